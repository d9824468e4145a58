/**
 * What the inference pool reports about its work, for metrics, traces, `/status` and capacity admission. The
 * pool calls these hooks synchronously on the main thread; an observer must be cheap and must not throw.
 * The model layer defines it; higher layers (services, admission, observability) implement it.
 */
export interface InferenceObserver {
  /** One model run finished (a batch of one when unbatched). */
  onBatch?(event: InferenceBatchEvent): void;
  /** A job left the queue without running, or was refused at the door. */
  onShed?(event: InferenceShedEvent): void;
  /** One request of an online model's stream ran (outside the queue, on the worker the stream is pinned to). */
  onStreamWork?(event: InferenceStreamWorkEvent): void;
}

export interface InferenceBatchEvent {
  modelId: string;
  /** Jobs run together in this model run. */
  batchSize: number;
  /** Per job: time from queueing to dispatch, in ms. */
  queueWaitMs: number[];
  /** The worker's time for features + model + decoding of the whole batch, in ms. */
  inferenceMs: number;
  /** Seconds of audio in the batch (sum over jobs). */
  audioSec: number;
  /** Per job: its priority ('normal' = files and finals, 'low' = partials). */
  priorities: ('normal' | 'low')[];
}

/**
 * One request of a stream of an online model (stream-pinning.ts): the chunks it completed decoded from the
 * stream's state. Every such request is work the stream cannot do without (none is superseded or shed), so
 * its wait counts as a normal job's (a final's) in metrics and capacity admission.
 */
export interface InferenceStreamWorkEvent {
  modelId: string;
  /** 'accept': new audio; 'endpoint': a segment ends; 'finish': the tail padding and the rest. */
  op: 'accept' | 'endpoint' | 'finish';
  /**
   * From sending the request to its worker until the worker started it, in ms (round trip minus inference): behind
   * the worker's other work and the stream's own earlier requests.
   */
  queueWaitMs: number;
  /** The worker's time for the request (its share of the thread: worker-busy-clock.ts), in ms. */
  inferenceMs: number;
  /** Seconds of stream audio the request carried (0 but for `accept`). */
  audioSec: number;
}

/** Why a job did not run: queue full at the door, displaced by a more important job, superseded by a newer
 * partial of the same stream, cancelled by its client, or refused during shutdown. */
export type InferenceShedReason = 'queue_full' | 'displaced' | 'superseded' | 'cancelled' | 'shutting_down';

export interface InferenceShedEvent {
  modelId: string;
  reason: InferenceShedReason;
  priority: 'normal' | 'low';
}

/** One observer telling several (metrics and capacity admission, say); absent ones are skipped. */
export function combineObservers(...observers: (InferenceObserver | null | undefined)[]): InferenceObserver {
  const present = observers.filter((o): o is InferenceObserver => !!o);
  return {
    onBatch: (event) => present.forEach((o) => o.onBatch?.(event)),
    onShed: (event) => present.forEach((o) => o.onShed?.(event)),
    onStreamWork: (event) => present.forEach((o) => o.onStreamWork?.(event)),
  };
}
