import { Router } from 'express';
import { ApiError } from '../../errors';
import type { Services } from '../../services';
import { modelLoadStatus } from './model-status';

/** Liveness (`/health`), readiness (`/ready`: models loaded), details (`/status`) and Prometheus metrics (`/metrics`). */
export function healthRoutes(services: Services): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', (_req, res) => {
    // Not ready is an expected answer (load balancers probe every few seconds): no error, no log line above debug.
    if (!services.isReady() || services.isShuttingDown()) {
      const error = services.isReady()
        ? new ApiError(503, 'The server is shutting down.', { code: 'shutting_down', retryAfterSec: 2 })
        : new ApiError(503, 'The models are still loading.', { code: 'not_ready', retryAfterSec: 2 });
      res.status(503).setHeader('Retry-After', String(error.retryAfterSec));
      res.json(error.toBody());
      return;
    }
    res.json({ status: 'ready', default_model: services.registry.defaultId, models: services.pool.models, inference: services.pool.stats });
  });
  router.get('/status', (_req, res) => {
    const { config, pool, registry } = services;
    res.json({
      status: services.isShuttingDown() ? 'shutting_down' : services.isReady() ? 'ready' : 'loading',
      uptime_sec: Math.round(process.uptime()),
      default_model: registry.defaultId,
      models: pool.models,
      aliases: Object.fromEntries(registry.aliasMap),
      // STREAM_PARTIAL_MODEL: the model making live streams' partials while each stream's own model makes its finals.
      stream_partial_model: services.partialModelId,
      inference: { ...pool.stats, queue_depth_limit: config.inferenceQueueDepth, threads_per_worker: config.inferenceThreadsPerWorker, provider: config.executionProvider },
      // Per model: queue, recent batch statistics, RTF, shed jobs, active streams (see model-status.ts).
      per_model: modelLoadStatus(services),
      limits: {
        max_upload_bytes: config.maxUploadBytes,
        max_audio_sec_in_flight: config.maxAudioSecInFlight,
        decoded_audio_bytes_in_flight: services.audioBudget.inUseBytes,
        upload_timeout_sec: config.uploadTimeoutSec,
        max_concurrent_requests: config.maxConcurrentRequests,
        max_streams: config.maxStreams,
        max_streams_per_ip: config.maxStreamsPerIp,
        max_connections_per_ip: config.maxConnectionsPerIp,
        headers_timeout_sec: config.headersTimeoutSec,
        max_stream_duration_sec: config.maxStreamDurationSec,
        max_stream_wall_sec: config.maxStreamWallSec,
        stream_idle_timeout_sec: config.streamIdleTimeoutSec,
        shutdown_grace_sec: config.shutdownGraceSec,
        max_ws_message_bytes: config.maxWsMessageBytes,
      },
    });
  });
  router.get('/metrics', async (_req, res) => {
    services.metrics.inferenceQueue.set(services.pool.stats.queued);
    res.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics());
  });
  return router;
}
