import type { Worker } from 'node:worker_threads';
import { ApiError } from '../errors';
import type { InferenceStreamWorkEvent } from './inference-observer';
import type { OnlineRecognizerStream } from './online-recognizer-stream';
import type { StreamOp, StreamRequest, StreamResponse, StreamSegmentResult } from './stream-protocol';

interface Pending {
  resolve(result: StreamSegmentResult | null): void;
  reject(err: Error): void;
}

interface Pinned {
  modelId: string;
  worker: Worker;
  /** Set once the stream cannot go on (its worker stopped, or it could not open): every call rejects with it. */
  failure: ApiError | null;
  closed: boolean;
}

export interface StreamPinningStats {
  open: number;
  opened: number;
  samplesSent: number;
  byModel: Record<string, { open: number; pending: number }>;
}

/** A request awaiting its answer. */
interface InFlight {
  pinned: Pinned;
  pending: Pending;
  op: StreamOp['op'];
  /** When it was sent to the worker (performance.now()). */
  sentAtMs: number;
  /** Samples it carries (`accept`). */
  sampleCount: number;
}

/**
 * The inference pool's streams of online models, each pinned to one worker for its whole life (its state lives
 * there): which worker holds which stream, and the requests awaiting answers. A stream goes to the worker
 * holding the fewest. A worker that stops fails its streams' pending and later calls at once. Each decoding
 * request answered is reported to `onWork` (its wait and the worker's time), as the queue's batches are.
 */
export class StreamPinning {
  private readonly streams = new Map<number, Pinned>();
  /** Requests awaiting their answer, by request id, oldest first (a closed stream's too: they still settle). */
  private readonly requests = new Map<number, InFlight>();
  private nextStreamId = 1;
  private nextRequestId = 1;
  /** Streams opened and samples sent to them since the pool started (each sample is sent once). */
  private opened = 0;
  private samplesSent = 0;

  constructor(private readonly onWork?: (event: InferenceStreamWorkEvent) => void) {}

  /**
   * Streams open now, opened in all, and samples sent to them in all; per model, the streams open now and
   * their requests a worker is still answering (waiting or running).
   */
  get stats(): StreamPinningStats {
    const byModel: StreamPinningStats['byModel'] = {};
    const of = (modelId: string) => (byModel[modelId] ??= { open: 0, pending: 0 });
    for (const { modelId } of this.streams.values()) of(modelId).open++;
    for (const { pinned } of this.requests.values()) of(pinned.modelId).pending++;
    return { open: this.streams.size, opened: this.opened, samplesSent: this.samplesSent, byModel };
  }

  /** When the oldest request still unanswered was sent (performance.now() ms), or null when none is. */
  oldestPendingSentAtMs(): number | null {
    // Requests are answered about in order: the first one in the map is the oldest or close to it.
    for (const request of this.requests.values()) return request.sentAtMs;
    return null;
  }

  /** The workers answering a stream request now (sent, not yet answered). */
  busyWorkers(): Set<Worker> {
    return new Set([...this.requests.values()].map((r) => r.pinned.worker));
  }

  /** Stream requests a worker is still answering (the pool waits for them before stopping its workers). */
  get inFlight(): number {
    return this.requests.size;
  }

  /** Opens a stream of `modelId` on the least loaded of `workers` (the ready ones). */
  open(modelId: string, workers: readonly Worker[]): OnlineRecognizerStream {
    if (workers.length === 0) throw new ApiError(503, 'No inference worker is ready.', { code: 'not_ready', retryAfterSec: 2 });
    const load = (w: Worker) => [...this.streams.values()].filter((s) => s.worker === w).length;
    const worker = workers.reduce((best, w) => (load(w) < load(best) ? w : best));
    const streamId = this.nextStreamId++;
    const pinned: Pinned = { modelId, worker, failure: null, closed: false };
    this.streams.set(streamId, pinned);
    this.opened++;
    this.send(streamId, pinned, { op: 'open', modelId }).catch(() => undefined); // a failed open fails the calls after it
    const call = async (op: StreamOp) => {
      const result = await this.send(streamId, pinned, op);
      if (!result) throw new ApiError(500, 'The stream returned no result.', { code: 'inference_failed' });
      return result;
    };
    return {
      accept: (samples) => {
        this.samplesSent += samples.length;
        return call({ op: 'accept', samples });
      },
      endpoint: () => call({ op: 'endpoint' }),
      finish: () => call({ op: 'finish' }),
      close: () => {
        if (pinned.closed) return;
        pinned.closed = true;
        if (!pinned.failure) this.send(streamId, pinned, { op: 'close' }).catch(() => undefined);
        this.streams.delete(streamId);
      },
    };
  }

  /** A worker's answer to a stream request. */
  onMessage(message: StreamResponse): void {
    const request = this.requests.get(message.requestId);
    if (!request) return;
    this.requests.delete(message.requestId);
    if (message.type === 'streamResult') {
      const { op } = request;
      const { inferenceMs } = message;
      if (op === 'accept' || op === 'endpoint' || op === 'finish') {
        const queueWaitMs = Math.max(0, performance.now() - request.sentAtMs - inferenceMs);
        this.onWork?.({ modelId: request.pinned.modelId, op, queueWaitMs, inferenceMs, audioSec: request.sampleCount / 16000 });
      }
      request.pending.resolve(message.result && { ...message.result, inferenceMs });
    } else request.pending.reject(new ApiError(500, 'Inference failed.', { code: 'inference_failed', cause: new Error(message.message) }));
  }

  /** The worker stopped: its streams fail now, and so does every later call on them. */
  onWorkerExit(worker: Worker): void {
    const failure = new ApiError(500, 'The inference worker holding this stream stopped.', { code: 'inference_failed' });
    for (const pinned of this.streams.values()) if (pinned.worker === worker) pinned.failure = failure;
    for (const [requestId, { pinned, pending }] of this.requests) {
      if (pinned.worker !== worker) continue;
      pinned.failure = failure;
      this.requests.delete(requestId);
      pending.reject(failure);
    }
  }

  private send(streamId: number, pinned: Pinned, op: StreamOp): Promise<StreamSegmentResult | null> {
    if (pinned.failure) return Promise.reject(pinned.failure);
    if (pinned.closed && op.op !== 'close') return Promise.reject(new ApiError(409, 'The stream is closed.', { code: 'stream_closed' }));
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        resolve,
        reject: (err) => {
          // An open the worker refused: the stream cannot be used.
          if (op.op === 'open') pinned.failure = err instanceof ApiError ? err : new ApiError(500, err.message, { code: 'inference_failed' });
          reject(err);
        },
      };
      this.requests.set(requestId, { pinned, pending, op: op.op, sentAtMs: performance.now(), sampleCount: op.op === 'accept' ? op.samples.length : 0 });
      const request: StreamRequest = { type: 'stream', streamId, requestId, ...op };
      pinned.worker.postMessage(request);
    });
  }
}
