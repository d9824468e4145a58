import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { ApiError } from '../errors';
import type { Services } from '../services';
import { clientAddress } from '../util/per-ip-counter';
import { handleCaptionsConnection } from './captions-handler';
import { CloseCode } from './close-codes';
import type { LiveStream } from './live-stream';
import { handleRealtimeConnection } from './realtime-handler';
import { closeWith, sendJson } from './send';

type Protocol = 'captions' | 'realtime';

function protocolFor(pathname: string): Protocol | null {
  const path = pathname.replace(/\/+$/, '');
  if (path === '/v1/audio/transcriptions') return 'captions';
  if (path === '/v1/realtime') return 'realtime';
  return null;
}

/** Refuses an upgrade with a plain HTTP response carrying the error in OpenAI's shape (no WebSocket is opened). */
function rejectUpgrade(socket: Duplex, error: ApiError): void {
  const body = JSON.stringify(error.toBody());
  const head = `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}`;
  const retry = error.retryAfterSec === undefined ? '' : `\r\nRetry-After: ${error.retryAfterSec}`;
  socket.end(`${head}${retry}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Routes WebSocket upgrades: live captions at /v1/audio/transcriptions, OpenAI Realtime transcription at
 * /v1/realtime. Bounded at the edge: message size (ws `maxPayload`, close 1009) and open streams (beyond
 * MAX_STREAMS, or MAX_STREAMS_PER_IP from one address, a connection gets an error event and close 1013).
 * `drain` (shutdown) refuses new upgrades with 503 and ends every live stream with its finals (close 1001).
 */
export function attachWebSocketRoutes(server: Server, services: Services): WebSocketRoutes {
  // The subprotocol answered is chosen by the admission point: `realtime` when offered, never a key.
  const handleProtocols = (offered: Set<string>) => services.admission.selectSubprotocol(offered);
  const wss = new WebSocketServer({ noServer: true, maxPayload: services.config.maxWsMessageBytes, perMessageDeflate: false, handleProtocols });
  const open = new Map<Protocol, number>([['captions', 0], ['realtime', 0]]);
  const live = new Set<LiveStream>();
  let draining = false;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Origin and API key first, as for HTTP: a refused client learns nothing about the routes.
    const refusal = services.admission.checkUpgrade(req);
    if (refusal) {
      rejectUpgrade(socket, refusal);
      return;
    }
    if (draining) {
      services.metrics.refusals.count('ws', 'shutting_down');
      rejectUpgrade(socket, new ApiError(503, 'The server is shutting down; connect again shortly.', { code: 'shutting_down', retryAfterSec: 2 }));
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const protocol = protocolFor(pathname);
    if (!protocol) {
      rejectUpgrade(socket, new ApiError(404, `No WebSocket endpoint at ${pathname}`, { code: 'unknown_route' }));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (draining) {
        closeWith(ws, CloseCode.GOING_AWAY, 'server shutting down'); // the drain began during the handshake
        return;
      }
      const address = clientAddress(req.socket.remoteAddress);
      const slot = services.admission.streams.tryAdmit(address, services.isReady());
      if (slot instanceof ApiError) {
        services.metrics.refusals.countError('ws', slot);
        const { code, message } = slot;
        if (protocol === 'realtime') sendJson(ws, { type: 'error', event_id: 'event_limit', error: { type: 'server_error', code, message, param: null, event_id: null } });
        else sendJson(ws, { type: 'error', code, message });
        closeWith(ws, CloseCode.TRY_AGAIN_LATER, message);
        return;
      }
      open.set(protocol, open.get(protocol)! + 1);
      services.metrics.activeStreams.set({ protocol }, open.get(protocol)!);
      let released = false;
      const onDone = () => {
        if (released) return;
        released = true;
        slot();
        open.set(protocol, open.get(protocol)! - 1);
        services.metrics.activeStreams.set({ protocol }, open.get(protocol)!);
      };
      ws.on('close', onDone);
      const stream = protocol === 'captions' ? handleCaptionsConnection(ws, req, services, onDone) : handleRealtimeConnection(ws, req, services, onDone);
      if (stream) {
        live.add(stream);
        ws.on('close', () => live.delete(stream));
      }
    });
  });

  return {
    async drain() {
      draining = true;
      const closed = [...wss.clients].map((client) => new Promise<void>((resolve) => (client.readyState === WebSocket.CLOSED ? resolve() : client.once('close', () => resolve()))));
      await Promise.all([...live].map((stream) => stream.finish(CloseCode.GOING_AWAY, 'server shutting down')));
      for (const client of wss.clients) closeWith(client, CloseCode.GOING_AWAY, 'server shutting down');
      await Promise.all(closed);
    },
    terminate() {
      draining = true;
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

export interface WebSocketRoutes {
  /** Refuses new streams and ends every live one properly (finals, then close 1001); resolves when all are closed. */
  drain(): Promise<void>;
  /** Drops every WebSocket at once (the shutdown deadline has passed). */
  terminate(): void;
}
