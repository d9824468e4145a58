import type { RequestHandler } from 'express';
import type { Admission } from '../admission/admission';

/**
 * HTTP side of the admission point: CORS headers on every response (errors included, so a browser can
 * read them), preflights answered here (they carry no key), then the key check; a refusal goes to the error
 * middleware as an ApiError (401 `invalid_api_key` in OpenAI's shape).
 */
export function admissionMiddleware(admission: Admission): RequestHandler {
  return (req, res, next) => {
    const origin = req.header('origin');
    const preflight = req.method === 'OPTIONS' && origin !== undefined && req.header('access-control-request-method') !== undefined;
    if (preflight && admission.cors.enabled) {
      res.set(admission.cors.preflightHeaders(origin, req.header('access-control-request-headers')));
      res.status(204).end();
      return;
    }
    res.set(admission.cors.responseHeaders(origin));
    const refusal = admission.checkHttp(req.path, req.headers);
    if (refusal) next(refusal);
    else next();
  };
}
