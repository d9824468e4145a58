import { ApiError } from '../errors';
import type { OnlineRecognizerStream, StreamSegmentResult } from '../model/online-recognizer-stream';
import { codedAudio, RATE, ScriptedRecognizer, ScriptedVad, wordsFrom } from '../../tests/unit/streaming/scripted-doubles';
import { DualModelTranscriber } from './dual-model-transcriber';
import { OnlineStreamingTranscriber } from './online-streaming-transcriber';
import { DEFAULT_STREAMING_CONFIG, type StreamingTranscriberConfig } from './streaming-config';
import type { FinalEvent, PartialEvent, StreamingEvent } from './streaming-events';
import { StreamingTranscriber } from './streaming-transcriber';

const config: StreamingTranscriberConfig = {
  ...DEFAULT_STREAMING_CONFIG,
  vad: { threshold: 0.5, minSpeechMs: 64, minSilenceMs: 300, prefixPaddingMs: 200 },
  updateIntervalMs: 200,
};
const manual: StreamingTranscriberConfig = { ...config, turnDetection: 'manual' };

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const finals = (events: StreamingEvent[]) => events.filter((e): e is FinalEvent => e.type === 'final');
const partials = (events: StreamingEvent[]) => events.filter((e): e is PartialEvent => e.type === 'partial');

/** Feeds the position-coded stream from `fromSec` to `toSec` in 20 ms chunks, letting the pipeline run between. */
async function feed(t: { pushAudio(s: Float32Array): void }, fromSec: number, toSec: number): Promise<void> {
  const step = 0.02 * RATE;
  for (let at = Math.round(fromSec * RATE); at < toSec * RATE; at += step) {
    t.pushAudio(codedAudio(at, Math.min(at + step, Math.round(toSec * RATE))));
    await tick();
  }
}

/** Per utterance, the stable text only grows and each delta appends exactly what it added, the final's too. */
function expectStableOnlyGrows(events: StreamingEvent[]): void {
  const stable = new Map<number, string>();
  for (const e of events) {
    if (e.type !== 'partial' && e.type !== 'final') continue;
    const before = stable.get(e.utteranceIndex) ?? '';
    const after = e.type === 'partial' ? e.stableText : e.text;
    expect(after.startsWith(before)).toBe(true);
    expect(before + e.stableDelta).toBe(after);
    stable.set(e.utteranceIndex, after);
  }
}

describe('DualModelTranscriber over re-decoded windows (an offline partial model)', () => {
  // The two models hear the same speech differently: the partial model misspells every word and misses the last.
  const partialWords = wordsFrom('won too tree for fife sics', 1.1);
  const finalWords = wordsFrom('one two three four five six seven', 1.1);

  function run() {
    const partialModel = new ScriptedRecognizer(partialWords);
    const finalModel = new ScriptedRecognizer(finalWords);
    const events: StreamingEvent[] = [];
    const transcriber = new DualModelTranscriber(
      {
        createPartialTranscriber: (onEvent) =>
          new StreamingTranscriber({ recognizer: finalModel, partialRecognizer: partialModel, vad: new ScriptedVad([[1.0, 4.0]]), onEvent }, config),
        onEvent: (e) => events.push(e),
      },
      config,
    );
    return { transcriber, events, partialModel, finalModel };
  }

  test('partials come from the partial model, the final from the final model, and the stable prefix never retracts', async () => {
    const { transcriber, events, partialModel, finalModel } = run();
    await feed(transcriber, 0, 5);
    await transcriber.end();

    // Partials: only the partial model's spelling; every partial window went to it, at low priority.
    const texts = partials(events).map((p) => p.text);
    expect(texts.length).toBeGreaterThan(2);
    for (const t of texts) expect(t.split(' ').every((word) => /^(won|too|tree|for|fife|sics|wo|to|tr|fo|fi|si)$/.test(word))).toBe(true);
    expect(partialModel.calls.length).toBeGreaterThan(2);
    expect(partialModel.calls.every((c) => c.priority === 'low')).toBe(true);
    // The final model decoded only the final: the whole utterance, at normal priority.
    expect(finalModel.calls).toHaveLength(1);
    expect(finalModel.calls[0].priority).toBeUndefined();

    const [final] = finals(events);
    const lastStable = partials(events).at(-1)!.stableText;
    expect(lastStable.split(' ').length).toBeGreaterThanOrEqual(3);
    // Stable words stay as the partial model spelled them; the rest is the final model's words.
    expect(final.text.startsWith(lastStable)).toBe(true);
    expect(final.text).toBe(lastStable + final.stableDelta);
    const rest = final.text.slice(lastStable.length).trim().split(' ');
    expect(rest.at(-1)).toBe('seven');
    expect(finalWords.map((w) => w.word).slice(-rest.length)).toEqual(rest);
    expect(final.words.map((w) => w.word).join(' ')).toBe(final.text);
    expectStableOnlyGrows(events);
  });

  test('a single-model stream on the final model revises instead (its final is authoritative)', async () => {
    const finalModel = new ScriptedRecognizer(finalWords);
    const events: StreamingEvent[] = [];
    const single = new StreamingTranscriber({ recognizer: finalModel, vad: new ScriptedVad([[1.0, 4.0]]), onEvent: (e) => events.push(e) }, config);
    await feed(single, 0, 5);
    await single.end();
    expect(finals(events)[0].text).toBe('one two three four five six seven');
  });
});

/** A scripted online model: one word `p<n>` per 0.25 s of audio fed, 0.1 s behind (a chunk's lookahead). */
class FakeOnlineStream implements OnlineRecognizerStream {
  private fed = 0;
  private decoded = 0;
  private segmentStart = 0;

  async accept(samples: Float32Array): Promise<StreamSegmentResult> {
    this.fed += samples.length;
    this.decoded = Math.max(this.decoded, this.fed - 1600);
    return this.result();
  }
  async endpoint(): Promise<StreamSegmentResult> {
    const result = this.result();
    this.segmentStart = this.decoded;
    return result;
  }
  async finish(): Promise<StreamSegmentResult> {
    this.decoded = this.fed;
    return this.result();
  }
  close(): void {}
  private result(): StreamSegmentResult {
    const startSec = this.segmentStart / RATE;
    const first = Math.ceil(this.segmentStart / 4000);
    const words = [];
    for (let n = first; (n + 1) * 4000 <= this.decoded; n++) words.push({ word: `p${n}`, startSec: n * 0.25, endSec: (n + 1) * 0.25 });
    return { segment: 0, startSec, text: words.map((w) => w.word).join(' '), words, tokens: [], decodedSec: this.decoded / RATE };
  }
}

describe('DualModelTranscriber over an online partial model', () => {
  function run(finalModel: ScriptedRecognizer) {
    const events: StreamingEvent[] = [];
    const transcriber = new DualModelTranscriber(
      {
        createPartialTranscriber: (onEvent) => new OnlineStreamingTranscriber({ stream: new FakeOnlineStream(), onEvent }, manual),
        finalRecognizer: finalModel,
        onEvent: (e) => events.push(e),
      },
      manual,
    );
    return { transcriber, events };
  }

  test('the online model\'s words are the partials; the final model decodes the committed audio and appends after the stable prefix', async () => {
    const finalModel = new ScriptedRecognizer(wordsFrom('one two three four five', 0.05));
    const { transcriber, events } = run(finalModel);
    await feed(transcriber, 0, 2);
    const final = await transcriber.commit();

    const lastPartial = partials(events).at(-1)!;
    expect(lastPartial.text).toMatch(/^p0 p1 p2 p3 p4 p5/);
    expect(lastPartial.stableText).toBe('p0 p1 p2 p3 p4 p5');
    // The final model heard the committed audio once (0-2 s), at normal priority.
    expect(finalModel.calls).toEqual([expect.objectContaining({ startSample: 0, endSample: 2 * RATE, priority: undefined })]);
    // Stable prefix (ends 1.5 s) kept; of the final model's words only "five" (1.65-1.95 s) lies after it.
    expect(final.text).toBe('p0 p1 p2 p3 p4 p5 five');
    expect(final.stableDelta).toBe(' five');
    expect(final).toMatchObject({ reason: 'commit', startSec: 0, endSec: 2 });
    expect(finals(events)).toEqual([final]);
    expectStableOnlyGrows(events);
  });

  test('events keep their order: the next utterance\'s partials wait for the final being decoded', async () => {
    const finalModel = new ScriptedRecognizer(wordsFrom('one two three four five', 0.05));
    finalModel.latencyMs = 80;
    const { transcriber, events } = run(finalModel);
    await feed(transcriber, 0, 2);
    const committing = transcriber.commit();
    await feed(transcriber, 2, 3.5);
    await committing;
    await transcriber.end();
    const order = events.filter((e) => e.type !== 'error').map((e) => ('utteranceIndex' in e ? e.utteranceIndex : -1));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(finals(events).map((f) => f.utteranceIndex)).toEqual([0, 1]);
    expect(finalModel.calls).toHaveLength(2);
    expectStableOnlyGrows(events);
  });

  test('the audio kept for the final model stays bounded: long speech is finalized at the maximum length, each final decoded over its own span', async () => {
    const bounded: StreamingTranscriberConfig = { ...manual, maxUtteranceSec: 5, maxBufferedSec: 13 };
    const finalModel = new ScriptedRecognizer(wordsFrom('one two three four five six seven eight nine ten', 0.05));
    const events: StreamingEvent[] = [];
    const transcriber = new DualModelTranscriber(
      {
        createPartialTranscriber: (onEvent) => new OnlineStreamingTranscriber({ stream: new FakeOnlineStream(), onEvent }, bounded),
        finalRecognizer: finalModel,
        onEvent: (e) => events.push(e),
      },
      bounded,
    );
    await feed(transcriber, 0, 40); // three times the buffer
    await transcriber.end();
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    const out = finals(events);
    expect(out.length).toBeGreaterThanOrEqual(7);
    expect(out.slice(0, -1).every((f) => f.reason === 'max_length')).toBe(true);
    // The final at the end covers no audio (the stream ended right at a split): nothing to decode.
    const spans = out.filter((f) => f.endSec > f.startSec);
    expect(spans.length).toBeGreaterThanOrEqual(out.length - 1);
    expect(finalModel.calls).toHaveLength(spans.length);
    spans.forEach((f, i) => {
      expect(finalModel.calls[i].startSample).toBe(Math.round(f.startSec * RATE));
      expect(finalModel.calls[i].endSample).toBe(Math.round(f.endSec * RATE));
      expect(f.endSec - f.startSec).toBeLessThanOrEqual(5.2);
    });
    expectStableOnlyGrows(events);
  });

  test('a failed final decode is an error event for that utterance, and commit rejects', async () => {
    const finalModel = new ScriptedRecognizer(wordsFrom('one two', 0.05));
    finalModel.failWith = new ApiError(503, 'busy', { code: 'inference_queue_full' });
    const { transcriber, events } = run(finalModel);
    await feed(transcriber, 0, 1);
    await expect(transcriber.commit()).rejects.toMatchObject({ status: 500, code: 'transcription_failed' });
    expect(events.filter((e) => e.type === 'error')).toEqual([expect.objectContaining({ utteranceIndex: 0 })]);
    expect(finals(events)).toEqual([]);
    transcriber.close();
  });
});
