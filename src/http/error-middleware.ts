import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ApiError, toApiError } from '../errors';

/**
 * Renders every error in OpenAI's shape; 5xx details go to the log only. A 503 the service answers on
 * purpose (models loading, overloaded, shutting down) is an expected answer, logged at info without a stack;
 * anything else 5xx is a failure, logged at error with its cause. `onError` sees each one (refusal metrics).
 */
export function errorMiddleware(logger: Logger, onError?: (error: ApiError) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let apiError: ApiError;
    const status = (err as { status?: number; type?: string }).status;
    if (err instanceof ApiError) apiError = err;
    else if ((err as { type?: string }).type === 'entity.parse.failed') {
      apiError = new ApiError(400, 'The request body is not valid JSON.', { code: 'invalid_json' });
    } else if ((err as { type?: string }).type === 'entity.too.large' || status === 413) {
      apiError = new ApiError(413, 'The request body is too large.', { code: 'request_too_large' });
    } else apiError = toApiError(err);
    onError?.(apiError);
    const log = { requestId: res.getHeader('x-request-id'), method: req.method, path: req.path, status: apiError.status, code: apiError.code };
    const expected = err instanceof ApiError && apiError.status === 503 && apiError.cause === undefined;
    if (apiError.status >= 500 && !expected) logger.error({ ...log, err: apiError.cause ?? err }, apiError.message);
    else logger.info(log, apiError.message);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (apiError.retryAfterSec !== undefined) res.setHeader('Retry-After', String(apiError.retryAfterSec));
    res.status(apiError.status).json(apiError.toBody());
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, `Unknown route: ${req.method} ${req.path}`, { code: 'unknown_route' }));
};
