import type { Request, Response } from 'express';
import type { TraceSpan, Tracing } from '../observability/trace-span';

/**
 * The root span of one traced HTTP request (undefined when tracing is off: callers use `trace?.`): it starts
 * when the request arrived (request-context.ts), carries the request id, and ends when the response is
 * over, with its status (a 5xx, or a client gone before the end, marks it failed).
 */
export function traceRequest(tracing: Tracing | null, req: Request, res: Response): TraceSpan | undefined {
  if (!tracing) return undefined;
  const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
  const span = tracing.startRequest(`${req.method} ${route}`, {
    startMs: (res.locals.startedAtMs as number | undefined) ?? performance.now(),
    requestId: String(res.getHeader('x-request-id') ?? ''),
    headers: req.headers,
    attributes: { 'http.request.method': req.method, 'http.route': route, 'url.path': req.path },
  });
  res.on('close', () => {
    span.setAttributes({ 'http.response.status_code': res.statusCode });
    const failed = res.statusCode >= 500 ? `HTTP ${res.statusCode}` : !res.writableFinished ? 'the client went away' : undefined;
    span.end(performance.now(), failed);
  });
  return span;
}
