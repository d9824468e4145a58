import type { Services } from '../../services';
import type { ModelInferenceStatus } from '../../observability/inference-metrics';

/** One model's load, as `/status` shows it under `per_model`. */
export interface ModelLoadStatus extends ModelInferenceStatus {
  /** Jobs of this model waiting for a worker. */
  queued: number;
  /** Streams of this online model open on the workers (each pinned to one; 0 for other models). */
  online_streams: number;
  /** Their requests sent to a worker and not yet answered (waiting behind its other work, or running). */
  stream_requests_pending: number;
  /** Live WebSocket streams (captions, Realtime) on this model. */
  active_streams: number;
  /** File transcriptions running on this model. */
  active_files: number;
}

/**
 * Per model: its queue and online streams, recent batch statistics (mean and p95 batch size, queue wait, inference time), its
 * real-time factor, jobs shed by reason, and the live streams and files using it.
 */
export function modelLoadStatus(services: Services): Record<string, ModelLoadStatus> {
  const { metrics, registry } = services;
  const { queuedByModel } = services.pool.stats;
  const { byModel: streamsByModel } = services.pool.streamStats;
  const out: Record<string, ModelLoadStatus> = {};
  for (const { id } of registry.entries) {
    out[id] = {
      queued: queuedByModel[id] ?? 0,
      online_streams: streamsByModel[id]?.open ?? 0,
      stream_requests_pending: streamsByModel[id]?.pending ?? 0,
      ...metrics.inference.status(id),
      active_streams: metrics.streams.openSessions(id, 'stream'),
      active_files: metrics.streams.openSessions(id, 'file'),
    };
  }
  return out;
}
