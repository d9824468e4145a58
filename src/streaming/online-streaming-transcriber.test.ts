import { ApiError } from '../errors';
import type { OnlineRecognizerStream, StreamSegmentResult } from '../model/online-recognizer-stream';
import type { SpeechProbabilitySource } from '../vad/speech-probability';
import { OnlineStreamingTranscriber } from './online-streaming-transcriber';
import { DEFAULT_STREAMING_CONFIG, type StreamingTranscriberConfig } from './streaming-config';
import type { StreamingEvent } from './streaming-events';

/**
 * A scripted online model: it "decodes" one word per 0.25 s of audio in the current segment, lagging 0.1 s
 * behind what it was fed (a chunk's lookahead); `finish` decodes the rest.
 */
class FakeStream implements OnlineRecognizerStream {
  readonly calls: string[] = [];
  acceptedSamples = 0;
  private segmentStart = 0;
  private decoded = 0;
  private segment = 0;
  failWith: Error | null = null;

  async accept(samples: Float32Array): Promise<StreamSegmentResult> {
    this.calls.push(`accept ${samples.length}`);
    if (this.failWith) throw this.failWith;
    this.acceptedSamples += samples.length;
    this.decoded = Math.max(this.decoded, this.acceptedSamples - 1600);
    return this.result();
  }
  async endpoint(): Promise<StreamSegmentResult> {
    this.calls.push('endpoint');
    const result = this.result();
    if (result.words.length > 0) this.segment++;
    this.segmentStart = this.decoded;
    return result;
  }
  async finish(): Promise<StreamSegmentResult> {
    this.calls.push('finish');
    this.decoded = this.acceptedSamples;
    return this.result();
  }
  close(): void {
    this.calls.push('close');
  }
  private result(): StreamSegmentResult {
    const startSec = this.segmentStart / 16000;
    const count = Math.floor((this.decoded - this.segmentStart) / 4000);
    const words = Array.from({ length: count }, (_, i) => ({ word: `w${this.segment}.${i}`, startSec: startSec + i * 0.25, endSec: startSec + (i + 1) * 0.25 }));
    return { segment: this.segment, startSec, text: words.map((w) => w.word).join(' '), words, tokens: [], decodedSec: this.decoded / 16000 };
  }
}

const manual: StreamingTranscriberConfig = { ...DEFAULT_STREAMING_CONFIG, turnDetection: 'manual' };
const tone = (seconds: number, amplitude = 0.5) => Float32Array.from({ length: Math.round(seconds * 16000) }, (_, i) => amplitude * Math.sin(i / 5));

/** A VAD that calls loud chunks speech. */
const loudnessVad: SpeechProbabilitySource = {
  openStream: () => ({
    process: async (samples) => Float32Array.from({ length: samples.length / 512 }, (_, k) => (Math.abs(samples[k * 512 + 100]) + Math.abs(samples[k * 512 + 301]) > 0.05 ? 0.95 : 0.01)),
    reset: () => undefined,
    close: () => undefined,
  }),
} as SpeechProbabilitySource;

function run(config: StreamingTranscriberConfig, vad?: SpeechProbabilitySource) {
  const stream = new FakeStream();
  const events: StreamingEvent[] = [];
  const transcriber = new OnlineStreamingTranscriber({ stream, vad, onEvent: (e) => events.push(e) }, config);
  return { stream, events, transcriber };
}

describe('OnlineStreamingTranscriber', () => {
  test('manual turns: partials grow from the stream, commit ends the segment there, end finishes; each sample is fed once', async () => {
    const { stream, events, transcriber } = run(manual);
    for (let i = 0; i < 10; i++) transcriber.pushAudio(tone(0.1));
    await transcriber.processed();
    const first = await transcriber.commit();
    for (let i = 0; i < 6; i++) transcriber.pushAudio(tone(0.1));
    await transcriber.end();

    // Every sample once, plus the tail padding a commit gives the model so its last chunk is decoded now.
    expect(stream.acceptedSamples).toBe(16 * 1600 + 10560);
    expect(stream.calls.slice(stream.calls.indexOf('endpoint') - 1)).toEqual(['accept 10560', 'endpoint', 'accept 9600', 'finish', 'close']);
    const partials = events.filter((e) => e.type === 'partial');
    expect(partials.length).toBeGreaterThan(1);
    let previous = '';
    for (const p of partials) {
      if (p.type !== 'partial' || p.utteranceIndex !== 0) continue;
      expect(p.text.startsWith(previous)).toBe(true);
      expect(p.stableText).toBe(p.words.slice(0, -1).map((w) => w.word).join(' '));
      previous = p.text;
    }
    // (The scripted model hears words in the padding too.)
    expect(first).toMatchObject({ type: 'final', utteranceIndex: 0, reason: 'commit', text: 'w0.0 w0.1 w0.2 w0.3 w0.4 w0.5', startSec: 0, endSec: 1 });
    const finals = events.filter((e) => e.type === 'final');
    expect(finals.map((f) => f.type === 'final' && [f.utteranceIndex, f.reason, f.text])).toEqual([
      [0, 'commit', 'w0.0 w0.1 w0.2 w0.3 w0.4 w0.5'],
      [1, 'end', 'w1.0 w1.1'],
    ]);
  });

  test('server VAD: speech start and stop around the loud part, the final at its endpoint', async () => {
    const { stream, events, transcriber } = run({ ...DEFAULT_STREAMING_CONFIG }, loudnessVad);
    for (const part of [tone(0.5, 0), tone(1.5), tone(1.5, 0)]) transcriber.pushAudio(part);
    await transcriber.end();
    // The fake model "hears" words in silence too: what it decoded after the endpoint still comes out, as a
    // final of its own at the end (a real model's blanks give none).
    expect(events.map((e) => e.type).filter((t, i, all) => t !== 'partial' || all[i - 1] !== 'partial')).toEqual(['speech_started', 'partial', 'speech_stopped', 'final', 'final']);
    const [final, trailing] = events.filter((e) => e.type === 'final');
    expect(final).toMatchObject({ reason: 'silence', utteranceIndex: 0 });
    expect(final.type === 'final' && final.text.split(' ').length).toBeGreaterThanOrEqual(5);
    expect(trailing).toMatchObject({ reason: 'end', utteranceIndex: 1 });
    expect(stream.calls.filter((c) => !c.startsWith('accept'))).toEqual(['endpoint', 'finish', 'close']);
    expect(stream.acceptedSamples).toBe(3.5 * 16000);
  });

  test('an utterance ended at the maximum length: the next one\'s partials start from its own segment (no stale words, nothing retracted)', async () => {
    const { events, transcriber } = run({ ...manual, maxUtteranceSec: 2, maxBufferedSec: 10 });
    for (let i = 0; i < 50; i++) transcriber.pushAudio(tone(0.1));
    await transcriber.end();
    const finals = events.filter((e) => e.type === 'final');
    expect(finals.length).toBeGreaterThanOrEqual(2);
    expect(finals[0]).toMatchObject({ reason: 'max_length', utteranceIndex: 0 });
    const stable = new Map<number, string>();
    for (const e of events) {
      if (e.type !== 'partial') continue;
      // Words of utterance k are the fake model's segment-k words (w<k>.<n>).
      expect(e.words.every((w) => w.word.startsWith(`w${e.utteranceIndex}.`))).toBe(true);
      expect(e.stableText.startsWith(stable.get(e.utteranceIndex) ?? '')).toBe(true);
      stable.set(e.utteranceIndex, e.stableText);
    }
    expect(stable.size).toBeGreaterThanOrEqual(2);
  });

  test('a stream whose worker stopped: one error event, then the transcriber is closed (no hang)', async () => {
    const { stream, events, transcriber } = run(manual);
    stream.failWith = new ApiError(500, 'The inference worker holding this stream stopped.', { code: 'inference_failed' });
    transcriber.pushAudio(tone(0.2));
    await transcriber.processed();
    expect(events).toEqual([{ type: 'error', utteranceIndex: 0, error: stream.failWith }]);
    expect(() => transcriber.pushAudio(tone(0.1))).toThrow(expect.objectContaining({ code: 'stream_closed' }));
    await expect(transcriber.end()).resolves.toBeUndefined();
    expect(stream.calls).toEqual(['accept 3200', 'close']);
  });
});
