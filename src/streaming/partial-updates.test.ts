import type { RecognitionResult, RecognizeOptions, Recognizer } from '../model/recognizer';
import { PartialUpdates, type PartialUpdatesHost } from './partial-updates';
import type { StreamingEvent } from './streaming-events';
import { Utterance } from './utterance';

const RATE = 16000;

/** A recognizer whose answers the test releases one by one; it hears one word per call, named by the call's end. */
class HeldRecognizer implements Recognizer {
  readonly modelId = 'held';
  readonly sampleRateHz = RATE;
  readonly calls: { samples: number; options?: RecognizeOptions; answer: () => void; fail: () => void }[] = [];

  recognize(samples: Float32Array, options?: RecognizeOptions): Promise<RecognitionResult> {
    return new Promise((resolve, reject) => {
      const sec = samples.length / RATE;
      const result: RecognitionResult = { text: 'hello', words: [{ word: 'hello', startSec: 0.1, endSec: Math.max(0.2, sec - 0.05) }], durationSec: sec, tokens: [] };
      this.calls.push({ samples: samples.length, options, answer: () => resolve(result), fail: () => reject(new Error('refused')) });
    });
  }
}

function setup(intervalMs = 200) {
  const recognizer = new HeldRecognizer();
  const events: StreamingEvent[] = [];
  let windowEnd = 0;
  let applied = 0;
  const utterance = new Utterance(0, 0);
  const key = {};
  const host: PartialUpdatesHost = {
    utterance: () => utterance,
    windowEndSample: () => windowEnd,
    read: (start, end) => new Float32Array(end - start),
    recognizer,
    supersedeKey: key,
    intervalMs: () => intervalMs,
    leftContextSamples: 0,
    active: () => true,
    emit: (e) => events.push(e),
    onApplied: () => applied++,
  };
  const updates = new PartialUpdates(host);
  return {
    updates,
    recognizer,
    events,
    key,
    utterance,
    applied: () => applied,
    advance(ms: number) {
      windowEnd += (ms / 1000) * RATE;
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PartialUpdates', () => {
  test('a window is recognized once an interval of new audio is there, low priority with the stream key', () => {
    const s = setup();
    s.advance(150);
    s.updates.maybeUpdate();
    expect(s.recognizer.calls).toHaveLength(0);
    s.advance(100);
    s.updates.maybeUpdate();
    expect(s.recognizer.calls).toHaveLength(1);
    expect(s.recognizer.calls[0].samples).toBe(0.25 * RATE);
    expect(s.recognizer.calls[0].options).toMatchObject({ priority: 'low', supersedeKey: s.key });
  });

  test('a partial out less than an interval is awaited; its answer is applied and the newest window follows', async () => {
    const s = setup();
    s.advance(250);
    s.updates.maybeUpdate();
    s.advance(250);
    s.updates.maybeUpdate(); // the first is probably running: not sent
    expect(s.recognizer.calls).toHaveLength(1);
    s.recognizer.calls[0].answer();
    await settle();
    expect(s.events.map((e) => e.type)).toEqual(['partial']);
    expect(s.applied()).toBe(1);
    // right after the answer the next window (to 500 ms) goes out
    expect(s.recognizer.calls).toHaveLength(2);
    expect(s.recognizer.calls[1].samples).toBe(0.5 * RATE);
  });

  test('at most two in flight: a second is sent once the first has been out an interval', async () => {
    const s = setup(20);
    s.advance(100);
    s.updates.maybeUpdate();
    await new Promise((resolve) => setTimeout(resolve, 30));
    s.advance(100);
    s.updates.maybeUpdate();
    s.advance(100);
    await new Promise((resolve) => setTimeout(resolve, 30));
    s.updates.maybeUpdate();
    expect(s.recognizer.calls).toHaveLength(2);
  });

  test('a refused partial is skipped; an aborted one is never applied', async () => {
    const s = setup();
    s.advance(250);
    s.updates.maybeUpdate();
    s.recognizer.calls[0].fail();
    await settle();
    expect(s.events).toHaveLength(0);
    s.advance(250);
    s.updates.maybeUpdate();
    const last = s.recognizer.calls[s.recognizer.calls.length - 1];
    expect(last.options?.signal?.aborted).toBe(false);
    const aborted = s.updates.abort();
    expect(last.options?.signal?.aborted).toBe(true);
    last.answer();
    await aborted;
    expect(s.events).toHaveLength(0);
    expect(s.applied()).toBe(0);
  });
});
