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
  };
}
