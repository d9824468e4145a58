import type { OnlineRecognizerStream, StreamSegmentResult } from '../model/online-recognizer-stream';
import { TracedOnlineStream, tracedOnlineStream } from './traced-online-stream';
import { recordingSpan, type RecordedSpan } from '../../tests/unit/observability/recording-span';

const segment = (decodedSec: number, inferenceMs?: number): StreamSegmentResult => ({ segment: 0, startSec: 0, text: 'hi', words: [], tokens: [], decodedSec, inferenceMs });
const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

/** A stream answering each call with the next of `answers`. */
function streamAnswering(answers: (() => Promise<StreamSegmentResult>)[]): OnlineRecognizerStream & { closed: boolean } {
  const next = () => answers.shift()!();
  const stream = { closed: false, accept: next, endpoint: next, finish: next, close: () => void (stream.closed = true) };
  return stream;
}

describe('TracedOnlineStream', () => {
  test('a call that decoded audio is a recognition: the call, split into queue wait and the worker time', async () => {
    const log: RecordedSpan[] = [];
    const inner = streamAnswering([() => later(40, segment(0.64, 15))]);
    const traced = new TracedOnlineStream(inner, 'online', recordingSpan('root', log));
    expect((await traced.accept(new Float32Array(8000))).text).toBe('hi');
    expect(log.map((r) => `${r.parent}>${r.name}`)).toEqual(['root>stt.recognize', 'stt.recognize>stt.queue_wait', 'stt.recognize>stt.inference']);
    const [call, wait, inference] = log;
    expect(call.attributes).toEqual({ 'stt.model': 'online', 'stt.stream_op': 'accept', 'stt.audio_sec': 0.5, 'stt.decoded_sec': 0.64 });
    expect(call.endMs - call.startMs).toBeGreaterThanOrEqual(30);
    expect(wait.startMs).toBe(call.startMs);
    expect(wait.endMs).toBeCloseTo(call.endMs - 15, 6);
    expect([inference.startMs, inference.endMs]).toEqual([wait.endMs, call.endMs]);
  });

  test('an accept that only buffered samples leaves no span; endpoints and the finish always do', async () => {
    const log: RecordedSpan[] = [];
    const inner = streamAnswering([async () => segment(0.32, 3), async () => segment(0.32, 0.1), async () => segment(0.32, 0.2), async () => segment(1.2, 9)]);
    const traced = tracedOnlineStream(inner, 'online', recordingSpan('root', log));
    await traced.accept(new Float32Array(5120));
    await traced.accept(new Float32Array(1600)); // short of the next chunk: nothing decoded
    await traced.endpoint();
    await traced.finish();
    traced.close();
    expect(inner.closed).toBe(true);
    expect(log.filter((r) => r.name === 'stt.recognize').map((r) => r.attributes?.['stt.stream_op'])).toEqual(['accept', 'endpoint', 'finish']);
  });

  test('a failed call is recorded with its error and rethrown', async () => {
    const log: RecordedSpan[] = [];
    const failure = new Error('worker stopped');
    const traced = new TracedOnlineStream(streamAnswering([() => Promise.reject(failure)]), 'online', recordingSpan('root', log));
    await expect(traced.finish()).rejects.toBe(failure);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ name: 'stt.recognize', error: failure, attributes: { 'stt.stream_op': 'finish' } });
  });

  test('without a trace the stream is used as it is', () => {
    const inner = streamAnswering([]);
    expect(tracedOnlineStream(inner, 'online', undefined)).toBe(inner);
  });
});
