import { loadSpeechFixture } from '../../tests/fixtures/speech-fixture';
import { planSplitAtSilences, splitAtSilences, SplitAtSilencesOptions } from './split-at-silences';
import { SileroVadModel } from './silero-vad-model';
import { SpeechProbabilityStream, VAD_CHUNK_SAMPLES } from './speech-probability';
import { VadWorkerClient } from './vad-worker-client';

const C = VAD_CHUNK_SAMPLES;
/** 10 chunks (320 ms) per piece at most; silences of 2 chunks (64 ms) or more are preferred cuts. */
const options: SplitAtSilencesOptions = { maxChunkSec: (10 * C) / 16000, minSilenceMs: 64 };

/** '#' speech (0.9), '.' silence (0.1), ',' quieter silence (0.02), '-' not-quite silence (0.3). */
function probs(pattern: string): number[] {
  return [...pattern].map((ch) => ({ '#': 0.9, '.': 0.1, ',': 0.02, '-': 0.3 })[ch] ?? Number.NaN);
}

/** Pieces as chunk-index pairs, for readable tables. */
function plan(pattern: string, overrides: Partial<SplitAtSilencesOptions> = {}, totalSamples = pattern.length * C) {
  return planSplitAtSilences(probs(pattern), totalSamples, { ...options, ...overrides }).map((p) => [
    p.startSample / C,
    p.endSample / C,
  ]);
}

describe('planSplitAtSilences', () => {
  test.each<[string, string, Partial<SplitAtSilencesOptions>, number[][]]>([
    ['short audio is one piece', '####..##', {}, [[0, 8]]],
    ['exactly the maximum is one piece', '##########', {}, [[0, 10]]],
    ['cut in the middle of the silence', '######...######', {}, [[0, 7], [7, 15]]],
    ['the longest silence wins', '####..#....######', {}, [[0, 8], [8, 17]]],
    ['on equal length, the quieter silence wins', '##..###,,#########', { minChunkFraction: 0 }, [[0, 8], [8, 18]]],
    ['a silence shorter than minSilenceMs is only a fallback', '####.#######.####', {}, [[0, 4], [4, 12], [12, 17]]],
    ['equally quiet silences of equal length: the later one', '#####..#..######', {}, [[0, 9], [9, 16]]],
    ['without any silence, a hard cut at the maximum', '####################', {}, [[0, 10], [10, 20]]],
    ['a later silence is preferred to an earlier one', '#..####....#######', {}, [[0, 8], [8, 18]]],
    ['an early silence is used when nothing later qualifies', '#...###########', {}, [[0, 2], [2, 12], [12, 15]]],
    ['a silence threshold can count 0.3 as silence', '######---#######', { silenceThreshold: 0.35 }, [[0, 7], [7, 16]]],
    ['without silence, the hard cut goes before the quietest chunk', '######---#######', { silenceThreshold: 0.2 }, [[0, 8], [8, 16]]],
  ])('%s', (_label, pattern, overrides, expected) => {
    expect(plan(pattern, overrides)).toEqual(expected);
  });

  test('a trailing partial chunk stays in the last piece', () => {
    const pieces = planSplitAtSilences(probs('######...######'), 15 * C - 100, options);
    expect(pieces[pieces.length - 1].endSample).toBe(15 * C - 100);
  });

  test('empty audio is one empty piece', () => {
    expect(planSplitAtSilences([], 0, options)).toEqual([{ startSample: 0, endSample: 0 }]);
  });

  test('no piece exceeds the maximum, and pieces are contiguous', () => {
    const pattern = Array.from({ length: 500 }, (_, i) => ((i * 7919) % 13 < 3 ? '.' : '#')).join('');
    const pieces = planSplitAtSilences(probs(pattern), pattern.length * C, options);
    pieces.forEach((piece, i) => {
      expect(piece.endSample - piece.startSample).toBeLessThanOrEqual(10 * C);
      expect(piece.startSample).toBe(i === 0 ? 0 : pieces[i - 1].endSample);
    });
    expect(pieces[pieces.length - 1].endSample).toBe(pattern.length * C);
  });
});

describe('splitAtSilences on real speech', () => {
  let model: SileroVadModel;
  beforeAll(async () => {
    model = await SileroVadModel.load();
  });
  afterAll(async () => {
    await model.release();
  });

  test('cuts a 29 s recording into pieces of at most 8 s, never inside speech', async () => {
    const fixture = loadSpeechFixture();
    const repeats = 5;
    const samples = new Float32Array(fixture.samples.length * repeats);
    const speech: { startSample: number; endSample: number }[] = [];
    for (let r = 0; r < repeats; r++) {
      const offset = r * fixture.samples.length;
      samples.set(fixture.samples, offset);
      for (const s of fixture.speech) speech.push({ startSample: s.startSample + offset, endSample: s.endSample + offset });
    }
    const stream: SpeechProbabilityStream = {
      process: (chunks) => model.probabilities(chunks, state),
      reset: () => undefined,
      close: () => undefined,
    };
    const state = model.createState();
    const pieces = await splitAtSilences(samples, stream, { maxChunkSec: 8, minSilenceMs: 300 });
    expect(pieces.length).toBeGreaterThanOrEqual(4);
    for (const piece of pieces) expect(piece.endSample - piece.startSample).toBeLessThanOrEqual(8 * 16000);
    for (const piece of pieces.slice(1)) {
      const cut = piece.startSample;
      expect(speech.some((s) => cut > s.startSample && cut < s.endSample)).toBe(false);
    }
    expect(pieces[pieces.length - 1].endSample).toBe(samples.length);
  });

  test('takes a source (the VAD worker client) and opens and closes its own stream', async () => {
    const client = await VadWorkerClient.start();
    try {
      const fixture = loadSpeechFixture();
      const samples = new Float32Array(fixture.samples.length * 2);
      samples.set(fixture.samples);
      samples.set(fixture.samples, fixture.samples.length);
      const pieces = await splitAtSilences(samples, client, { maxChunkSec: 4, minSilenceMs: 300 });
      expect(pieces.length).toBeGreaterThanOrEqual(3);
      expect(pieces[pieces.length - 1].endSample).toBe(samples.length);
      expect(client.queuedRequests).toBe(0);
    } finally {
      await client.close();
    }
  });

  test('given probabilities, it only plans', async () => {
    const pieces = await splitAtSilences(new Float32Array(15 * C), probs('######...######'), options);
    expect(pieces.map((p) => p.endSample / C)).toEqual([7, 15]);
  });
});
