import { loadSpeechFixture } from '../../tests/fixtures/speech-fixture';
import { SileroVadModel } from './silero-vad-model';
import { VAD_CHUNK_SAMPLES } from './speech-probability';
import { resolveVadSegmenterConfig, VadEvent, VadSegmenter, VadSegmenterConfig } from './vad-segmenter';

const C = VAD_CHUNK_SAMPLES;
/** One chunk is 32 ms, so these settings are whole numbers of chunks. */
const config: VadSegmenterConfig = { threshold: 0.5, minSpeechMs: 64, minSilenceMs: 96, prefixPaddingMs: 64 };

/**
 * Probabilities written as a string: '#' confident speech (0.9), 'h' speech below the confident level 0.75
 * (0.6), 'm' between the thresholds (0.4), '.' silence (0.1).
 */
function probs(pattern: string): number[] {
  return [...pattern].map((ch) => ({ '#': 0.9, h: 0.6, m: 0.4, '.': 0.1 })[ch] ?? Number.NaN);
}

function run(pattern: string, overrides: Partial<VadSegmenterConfig> = {}, firstSample = 0): VadEvent[] {
  const segmenter = new VadSegmenter({ ...config, ...overrides }, firstSample);
  return [...segmenter.pushAll(probs(pattern)), ...segmenter.end()];
}

describe('VadSegmenter', () => {
  test.each<[string, string, Partial<VadSegmenterConfig>, VadEvent[]]>([
    ['silence only', '..........', {}, []],
    [
      'one utterance with padding and a closing silence',
      '.....####.....',
      {},
      [
        { type: 'speech_start', startSample: 5 * C, paddedStartSample: 3 * C },
        { type: 'speech_end', startSample: 5 * C, endSample: 9 * C },
      ],
    ],
    ['a blip shorter than minSpeech is ignored', '....#.....', {}, []],
    [
      'hysteresis: between-threshold chunks keep speech going',
      '..##mmmm##...',
      {},
      [
        { type: 'speech_start', startSample: 2 * C, paddedStartSample: 0 },
        { type: 'speech_end', startSample: 2 * C, endSample: 10 * C },
      ],
    ],
    [
      'between-threshold chunks neither start speech nor cancel a silence countdown',
      'mm##.m.##....',
      {},
      [
        { type: 'speech_start', startSample: 2 * C, paddedStartSample: 0 },
        { type: 'speech_end', startSample: 2 * C, endSample: 4 * C },
        { type: 'speech_start', startSample: 7 * C, paddedStartSample: 5 * C },
        { type: 'speech_end', startSample: 7 * C, endSample: 9 * C },
      ],
    ],
    [
      'the end moves back to where the probability began to decay',
      '.###hh.....',
      {},
      [
        { type: 'speech_start', startSample: C, paddedStartSample: 0 },
        { type: 'speech_end', startSample: C, endSample: 4 * C },
      ],
    ],
    [
      'but by at most three chunks',
      '.##hhhhh....',
      {},
      [
        { type: 'speech_start', startSample: C, paddedStartSample: 0 },
        { type: 'speech_end', startSample: C, endSample: 5 * C },
      ],
    ],
    [
      'a short pause does not end speech',
      '##..##....',
      {},
      [
        { type: 'speech_start', startSample: 0, paddedStartSample: 0 },
        { type: 'speech_end', startSample: 0, endSample: 6 * C },
      ],
    ],
    [
      'padding never reaches into the previous utterance',
      '##....##...',
      { prefixPaddingMs: 320 },
      [
        { type: 'speech_start', startSample: 0, paddedStartSample: 0 },
        { type: 'speech_end', startSample: 0, endSample: 2 * C },
        { type: 'speech_start', startSample: 6 * C, paddedStartSample: 2 * C },
        { type: 'speech_end', startSample: 6 * C, endSample: 8 * C },
      ],
    ],
    [
      'end() closes speech still open at the stream end',
      '...####',
      {},
      [
        { type: 'speech_start', startSample: 3 * C, paddedStartSample: C },
        { type: 'speech_end', startSample: 3 * C, endSample: 7 * C },
      ],
    ],
    [
      'minSpeechMs 0 starts on the first speech chunk',
      '.#..',
      { minSpeechMs: 0, minSilenceMs: 32 },
      [
        { type: 'speech_start', startSample: C, paddedStartSample: 0 },
        { type: 'speech_end', startSample: C, endSample: 2 * C },
      ],
    ],
    [
      'an explicit negative threshold',
      '.##mmm.',
      { negativeThreshold: 0.45 },
      [
        { type: 'speech_start', startSample: C, paddedStartSample: 0 },
        { type: 'speech_end', startSample: C, endSample: 3 * C },
      ],
    ],
  ])('%s', (_label, pattern, overrides, expected) => {
    expect(run(pattern, overrides)).toEqual(expected);
  });

  test('times are absolute from the first sample', () => {
    expect(run('..##...', {}, 16000)[0]).toEqual({ type: 'speech_start', startSample: 16000 + 2 * C, paddedStartSample: 16000 });
  });

  test('speech_start is emitted once minSpeech has elapsed, speech_end once minSilence has', () => {
    const segmenter = new VadSegmenter(config);
    const emittedAt = probs('..###....').map((p) => segmenter.push(p).map((e) => e.type));
    expect(emittedAt).toEqual([[], [], [], ['speech_start'], [], [], [], ['speech_end'], []]);
  });

  test('earliestNeededSample keeps what a future padded start may need', () => {
    const segmenter = new VadSegmenter(config);
    segmenter.pushAll(probs('......'));
    expect(segmenter.earliestNeededSample).toBe(4 * C);
    segmenter.pushAll(probs('#'));
    expect(segmenter.earliestNeededSample).toBe(4 * C);
    segmenter.pushAll(probs('#'));
    expect(segmenter.inSpeech).toBe(true);
    expect(segmenter.earliestNeededSample).toBe(6 * C);
    segmenter.pushAll(probs('######'));
    expect(segmenter.earliestNeededSample).toBe(14 * C - 3 * C);
  });

  test('reset drops speech in progress without an event', () => {
    const segmenter = new VadSegmenter(config);
    segmenter.pushAll(probs('.###'));
    segmenter.reset();
    expect(segmenter.inSpeech).toBe(false);
    expect(segmenter.end()).toEqual([]);
    expect(segmenter.pushAll(probs('##'))).toEqual([{ type: 'speech_start', startSample: 4 * C, paddedStartSample: 4 * C }]);
  });

  test.each<[Partial<VadSegmenterConfig>, string]>([
    [{ threshold: 0 }, 'threshold'],
    [{ threshold: 1 }, 'threshold'],
    [{ negativeThreshold: 0.6 }, 'negativeThreshold'],
    [{ minSpeechMs: -1 }, 'minSpeechMs'],
    [{ minSilenceMs: Number.NaN }, 'minSilenceMs'],
    [{ prefixPaddingMs: -5 }, 'prefixPaddingMs'],
  ])('rejects %p', (overrides, field) => {
    expect(() => resolveVadSegmenterConfig({ ...config, ...overrides })).toThrow(field);
  });

  test('the default negative threshold is threshold − 0.15', () => {
    expect(resolveVadSegmenterConfig({ ...config, threshold: 0.6 }).negativeThreshold).toBeCloseTo(0.45);
  });

  test('real speech: start and end within 100 ms of the speech in the clip', async () => {
    const fixture = loadSpeechFixture();
    const model = await SileroVadModel.load();
    const whole = fixture.samples.length - (fixture.samples.length % C);
    const probabilities = await model.probabilities(fixture.samples.subarray(0, whole), model.createState());
    await model.release();
    const segmenter = new VadSegmenter({ threshold: 0.5, minSpeechMs: 64, minSilenceMs: 500, prefixPaddingMs: 300 });
    const events = [...segmenter.pushAll(probabilities), ...segmenter.end()];
    const toleranceSamples = 0.1 * fixture.sampleRateHz;
    expect(events.map((e) => e.type)).toEqual(['speech_start', 'speech_end', 'speech_start', 'speech_end']);
    fixture.speech.forEach((truth, i) => {
      const start = events[2 * i];
      const end = events[2 * i + 1];
      expect(Math.abs(start.startSample - truth.startSample)).toBeLessThanOrEqual(toleranceSamples);
      expect(end.type === 'speech_end' && Math.abs(end.endSample - truth.endSample)).toBeLessThanOrEqual(toleranceSamples);
    });
  });
});
