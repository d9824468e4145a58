import express, { type Express } from 'express';
import { admissionMiddleware } from './http/admission-middleware';
import { errorMiddleware, notFoundHandler } from './http/error-middleware';
import { requestContext } from './http/request-context';
import { healthRoutes } from './http/routes/health';
import { modelPullRoutes } from './http/routes/model-pull';
import { modelRoutes } from './http/routes/models';
import { transcriptionRoutes } from './http/routes/transcriptions';
import { webPageRoutes } from './http/web-page';
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
  // CORS and API keys, before any route (the health routes let /health and /ready through).
  app.use(admissionMiddleware(services.admission));
  app.use(healthRoutes(services));
  app.use(modelRoutes(services.registry));
  app.use(modelPullRoutes(services));
  app.use(transcriptionRoutes(services));
  // The live-captions page at / and its files under /static/ (open paths: see admission.ts).
  app.use(webPageRoutes());
  app.use(notFoundHandler);
  app.use(errorMiddleware(services.logger, (error) => services.metrics.refusals.countError('http', error)));
  return app;
}
