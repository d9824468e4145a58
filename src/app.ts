import express, { type Express } from 'express';
import { errorMiddleware, notFoundHandler } from './http/error-middleware';
import { requestContext } from './http/request-context';
import { healthRoutes } from './http/routes/health';
import { modelRoutes } from './http/routes/models';
import { transcriptionRoutes } from './http/routes/transcriptions';
import type { Services } from './services';

/** Builds the HTTP application over started (or starting) services. Never listens: see server.ts / main.ts. */
export function createApp(services: Services): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContext(services.logger));
  app.use((req, res, next) => {
    res.on('finish', () => services.metrics.httpRequests.inc({ route: req.route?.path ?? 'unmatched', status: String(res.statusCode) }));
    next();
  });
  app.use(healthRoutes(services));
  app.use(modelRoutes(services.registry));
  app.use(transcriptionRoutes(services));
  app.use(notFoundHandler);
  app.use(errorMiddleware(services.logger));
  return app;
}
