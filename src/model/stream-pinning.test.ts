import type { Worker } from 'node:worker_threads';
import type { InferenceStreamWorkEvent } from './inference-observer';
import { StreamPinning } from './stream-pinning';
import type { StreamRequest, StreamSegmentResult } from './stream-protocol';

/** A stand-in for a worker thread: it keeps what it is sent; the test answers for it. */
function fakeWorker(): { worker: Worker; sent: StreamRequest[] } {
  const sent: StreamRequest[] = [];
  return { worker: { postMessage: (m: StreamRequest) => sent.push(m) } as unknown as Worker, sent };
}

const segment = (text: string): StreamSegmentResult => ({ segment: 0, startSec: 0, text, words: [], tokens: [], decodedSec: 1 });

describe('StreamPinning', () => {
  test('each answered decoding request is reported with its model, wait, worker time and audio; open and close are not', async () => {
    const events: InferenceStreamWorkEvent[] = [];
    const pinning = new StreamPinning((e) => events.push(e));
    const { worker, sent } = fakeWorker();
    const stream = pinning.open('online', [worker]);
    const [open] = sent;
    pinning.onMessage({ type: 'streamResult', streamId: open.streamId, requestId: open.requestId, result: null, inferenceMs: 0 });

    const accepted = stream.accept(new Float32Array(8000));
    const ended = stream.endpoint();
    expect(pinning.stats.byModel).toEqual({ online: { open: 1, pending: 2 } });
    const sentAt = performance.now();
    expect(pinning.oldestPendingSentAtMs()).toBeLessThanOrEqual(sentAt);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const [, accept, endpoint] = sent;
    expect(accept).toMatchObject({ op: 'accept' });
    pinning.onMessage({ type: 'streamResult', streamId: accept.streamId, requestId: accept.requestId, result: segment('a'), inferenceMs: 12 });
    pinning.onMessage({ type: 'streamResult', streamId: endpoint.streamId, requestId: endpoint.requestId, result: segment('a b'), inferenceMs: 1 });
    // The result carries the worker's time (for traces).
    expect(await accepted).toMatchObject({ text: 'a', inferenceMs: 12 });
    expect(await ended).toMatchObject({ text: 'a b', inferenceMs: 1 });
    expect(pinning.oldestPendingSentAtMs()).toBeNull();

    expect(events.map(({ modelId, op, inferenceMs, audioSec }) => ({ modelId, op, inferenceMs, audioSec }))).toEqual([
      { modelId: 'online', op: 'accept', inferenceMs: 12, audioSec: 0.5 },
      { modelId: 'online', op: 'endpoint', inferenceMs: 1, audioSec: 0 },
    ]);
    // Round trip (at least the 30 ms before the answers) minus the worker's time.
    expect(events[0].queueWaitMs).toBeGreaterThanOrEqual(30 - 12 - 1);
    expect(events[1].queueWaitMs).toBeGreaterThanOrEqual(30 - 1 - 1);

    stream.close();
    const close = sent[sent.length - 1];
    expect(close).toMatchObject({ op: 'close' });
    pinning.onMessage({ type: 'streamResult', streamId: close.streamId, requestId: close.requestId, result: null, inferenceMs: 0 });
    expect(events).toHaveLength(2);
    expect(pinning.stats.byModel).toEqual({});
  });

  test('a failed request is not reported as work, and per-model figures count each model apart', async () => {
    const events: InferenceStreamWorkEvent[] = [];
    const pinning = new StreamPinning((e) => events.push(e));
    const { worker, sent } = fakeWorker();
    const a = pinning.open('a', [worker]);
    pinning.open('b', [worker]);
    const failed = a.finish().catch((e: unknown) => e);
    expect(pinning.stats.byModel).toEqual({ a: { open: 1, pending: 2 }, b: { open: 1, pending: 1 } });
    const finish = sent.find((m) => m.op === 'finish')!;
    pinning.onMessage({ type: 'streamError', streamId: finish.streamId, requestId: finish.requestId, message: 'boom' });
    expect(await failed).toMatchObject({ status: 500, code: 'inference_failed' });
    expect(events).toEqual([]);
  });
});
