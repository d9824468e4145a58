import type { IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import type { TraceSpan, Tracing } from '../observability/trace-span';
import { CloseCode } from './close-codes';

/**
 * The root span of one traced live stream (undefined when tracing is off: callers use `trace?.`), named after
 * its route (`WS /v1/realtime`): it starts when the connection is taken, continues the caller's W3C
 * `traceparent` from the upgrade request, carries the session id the client is told (`session_id` of
 * captions' `ready`, Realtime's `session.id`) as its request id, so one attribute finds a stream's spans as it
 * finds a request's, and ends when the socket closes, with its close code (1011, or a socket error, marks it failed).
 * The session's recognitions are recorded under it (TracedRecognizer, TracedOnlineStream).
 */
export function traceStream(tracing: Tracing | null, req: IncomingMessage, ws: WebSocket, sessionId: string): TraceSpan | undefined {
  if (!tracing) return undefined;
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const span = tracing.startRequest(`WS ${path}`, {
    startMs: performance.now(),
    requestId: sessionId,
    headers: req.headers,
    attributes: { 'url.path': path, 'stt.session_id': sessionId },
  });
  let socketError: Error | undefined;
  ws.on('error', (err) => (socketError = err));
  ws.once('close', (code: number) => {
    span.setAttributes({ 'websocket.close_code': code });
    span.end(performance.now(), socketError ?? (code === CloseCode.INTERNAL_ERROR ? `closed with ${code}` : undefined));
  });
  return span;
}
