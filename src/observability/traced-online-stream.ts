import type { OnlineRecognizerStream, StreamSegmentResult } from '../model/online-recognizer-stream';
import type { TraceSpan } from './trace-span';

/** The sample rate of a stream's audio (OnlineRecognizerStream takes 16 kHz). */
const SAMPLE_RATE_HZ = 16000;

/**
 * An online model's stream whose recognitions become spans under `parent`, as TracedRecognizer's do for the
 * models that re-decode: `stt.recognize` (the call, from sending to result; `stt.stream_op` says which: accept,
 * endpoint, finish) split into `stt.queue_wait` and `stt.inference` (the worker's time for the request). An
 * `accept` that decoded no new chunk (samples buffered short of the model's chunk) is no recognition and
 * leaves no span; a failed call leaves a failed `stt.recognize`.
 */
export class TracedOnlineStream implements OnlineRecognizerStream {
  /** Stream audio decoded as of the last answer, in seconds. */
  private decodedSec = 0;

  constructor(
    private readonly inner: OnlineRecognizerStream,
    private readonly modelId: string,
    private readonly parent: TraceSpan,
  ) {}

  accept(samples: Float32Array): Promise<StreamSegmentResult> {
    return this.traced('accept', samples.length / SAMPLE_RATE_HZ, () => this.inner.accept(samples));
  }

  endpoint(): Promise<StreamSegmentResult> {
    return this.traced('endpoint', 0, () => this.inner.endpoint());
  }

  finish(): Promise<StreamSegmentResult> {
    return this.traced('finish', 0, () => this.inner.finish());
  }

  close(): void {
    this.inner.close();
  }

  private async traced(op: 'accept' | 'endpoint' | 'finish', audioSec: number, call: () => Promise<StreamSegmentResult>): Promise<StreamSegmentResult> {
    const startMs = performance.now();
    const attributes = { 'stt.model': this.modelId, 'stt.stream_op': op, 'stt.audio_sec': audioSec };
    let result: StreamSegmentResult;
    try {
      result = await call();
    } catch (err) {
      this.parent.record('stt.recognize', startMs, performance.now(), attributes, err);
      throw err;
    }
    const endMs = performance.now();
    const decodedNew = result.decodedSec > this.decodedSec;
    this.decodedSec = Math.max(this.decodedSec, result.decodedSec);
    if (op === 'accept' && !decodedNew) return result;
    const span = this.parent.record('stt.recognize', startMs, endMs, { ...attributes, 'stt.decoded_sec': result.decodedSec });
    if (result.inferenceMs !== undefined) {
      const inferenceStartMs = Math.max(startMs, endMs - result.inferenceMs);
      span.record('stt.queue_wait', startMs, inferenceStartMs);
      span.record('stt.inference', inferenceStartMs, endMs);
    }
    return result;
  }
}

/** `stream`, its recognitions recorded as spans under `trace` when there is one. */
export function tracedOnlineStream(stream: OnlineRecognizerStream, modelId: string, trace: TraceSpan | undefined): OnlineRecognizerStream {
  return trace ? new TracedOnlineStream(stream, modelId, trace) : stream;
}
