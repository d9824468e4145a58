import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ApiError } from '../errors';
import { listeningUrl } from './listening-url';

/** The port, held while the service prepares (MODELS_PULL downloads) before the real server can start. */
export interface PreparingServer {
  /** The bound port (the real server takes the same one). */
  port: number;
  url: string;
  /** Frees the port (open connections are closed). */
  close(): Promise<void>;
}

const NOT_READY = new ApiError(503, 'The server is downloading its models (MODELS_PULL); retry shortly.', { code: 'not_ready', retryAfterSec: 5 });

/**
 * Listens while the models are being pulled, so the process is reachable from its first second: `/health`
 * answers 200 (`{"status":"pulling"}`: alive, a liveness probe must not restart a long download), `/ready`
 * and every other request 503 `not_ready` with Retry-After in OpenAI's error shape, WebSocket upgrades the
 * same 503. No request reaches the service: it does not exist yet (the models folder is scanned after the pull).
 */
export async function listenWhilePreparing(port: number, host: string, tls?: { certFile: string; keyFile: string }): Promise<PreparingServer> {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'pulling' }));
      return;
    }
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': String(NOT_READY.retryAfterSec), connection: 'close' }).end(JSON.stringify(NOT_READY.toBody()));
  };
  const server: http.Server = tls
    ? (https.createServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, handler) as unknown as http.Server)
    : http.createServer(handler);
  server.on('upgrade', (_req: http.IncomingMessage, socket: Duplex) => {
    const body = JSON.stringify(NOT_READY.toBody());
    socket.end(`HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${NOT_READY.retryAfterSec}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: listeningUrl(host, bound, Boolean(tls)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
