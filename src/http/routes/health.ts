import { Router } from 'express';
import { ApiError } from '../../errors';
import type { Services } from '../../services';

/** Liveness (`/health`), readiness (`/ready`: models loaded) and Prometheus metrics (`/metrics`). */
export function healthRoutes(services: Services): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', (_req, res) => {
    if (!services.isReady()) throw new ApiError(503, 'The models are still loading.', { code: 'not_ready', retryAfterSec: 2 });
    res.json({ status: 'ready', default_model: services.registry.defaultId, models: services.pool.models, inference: services.pool.stats });
  });
  router.get('/metrics', async (_req, res) => {
    services.metrics.inferenceQueue.set(services.pool.stats.queued);
    res.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics());
  });
  return router;
}
