import type { Services } from '../../services';
import type { ModelInferenceStatus } from '../../observability/inference-metrics';

/** One model's load, as `/status` shows it under `per_model`. */
export interface ModelLoadStatus extends ModelInferenceStatus {
  /** Jobs of this model waiting for a worker; null when the pool does not report queues per model. */
  queued: number | null;
  /** Live WebSocket streams (captions, Realtime) on this model. */
  active_streams: number;
  /** File transcriptions running on this model. */
  active_files: number;
}

/**
 * Per model: its queue, recent batch statistics (mean and p95 batch size, queue wait, inference time), its
 * real-time factor, jobs shed by reason, and the live streams and files using it.
 */
export function modelLoadStatus(services: Services): Record<string, ModelLoadStatus> {
  const { metrics, registry } = services;
  // The pool's stats name the queued jobs per model once it batches per model (`queuedByModel`).
  const stats = services.pool.stats as { queuedByModel?: Readonly<Record<string, number>> };
  const out: Record<string, ModelLoadStatus> = {};
  for (const { id } of registry.entries) {
    out[id] = {
      queued: stats.queuedByModel ? (stats.queuedByModel[id] ?? 0) : null,
      ...metrics.inference.status(id),
      active_streams: metrics.streams.openSessions(id, 'stream'),
      active_files: metrics.streams.openSessions(id, 'file'),
    };
  }
  return out;
}
