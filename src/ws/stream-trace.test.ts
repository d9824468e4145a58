import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import type { SpanAttributes, TraceSpan, Tracing } from '../observability/trace-span';
import { traceStream } from './stream-trace';

interface Root {
  name: string;
  options: Parameters<Tracing['startRequest']>[1];
  attributes: SpanAttributes;
  ended: { error: unknown } | null;
}

/** A Tracing that keeps the root spans it starts. */
function recordingTracing(roots: Root[]): Tracing {
  return {
    startRequest(name, options) {
      const root: Root = { name, options, attributes: {}, ended: null };
      roots.push(root);
      const span: TraceSpan = {
        record: () => span,
        start: () => span,
        setAttributes: (a) => Object.assign(root.attributes, a),
        end: (_endMs, error) => void (root.ended ??= { error }),
      };
      return span;
    },
    shutdown: async () => undefined,
  };
}

const upgrade = (url: string, headers: Record<string, string> = {}) => ({ url, headers }) as unknown as IncomingMessage;

describe('traceStream', () => {
  test('off: no span', () => {
    expect(traceStream(null, upgrade('/v1/realtime'), new EventEmitter() as unknown as WebSocket, 'sess_1')).toBeUndefined();
  });

  test('one root per connection, named after the route, with the session id as request id and the upgrade headers; ended at close with the code', () => {
    const roots: Root[] = [];
    const ws = new EventEmitter();
    const headers = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    expect(traceStream(recordingTracing(roots), upgrade('/v1/audio/transcriptions?model=m', headers), ws as unknown as WebSocket, 'cap_1')).toBeDefined();
    expect(roots).toHaveLength(1);
    const [root] = roots;
    expect(root.name).toBe('WS /v1/audio/transcriptions');
    expect(root.options).toMatchObject({ requestId: 'cap_1', headers, attributes: { 'url.path': '/v1/audio/transcriptions', 'stt.session_id': 'cap_1' } });
    expect(root.ended).toBeNull();
    ws.emit('close', 1000);
    expect(root.attributes).toEqual({ 'websocket.close_code': 1000 });
    expect(root.ended).toEqual({ error: undefined });
  });

  test.each([
    [1011, false, true],
    [1013, false, false],
    [1000, true, true],
  ])('close %p (after a socket error: %p) fails the span: %p', (code, socketError, failed) => {
    const roots: Root[] = [];
    const ws = new EventEmitter();
    traceStream(recordingTracing(roots), upgrade('/v1/realtime'), ws as unknown as WebSocket, 'sess_1');
    if (socketError) ws.emit('error', new Error('reset'));
    ws.emit('close', code);
    expect(roots[0].ended?.error !== undefined).toBe(failed);
  });
});
