import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { limitConnections } from './http/connection-limits';
import { listeningUrl } from './http/listening-url';
import type { Services } from './services';
import { drainServer, type DrainOutcome } from './shutdown/drain';
import { RequestGate } from './shutdown/request-gate';
import { attachWebSocketRoutes, type WebSocketRoutes } from './ws/ws-router';

export interface RunningServer {
  server: http.Server;
  /** The bound port (useful with PORT=0). */
  port: number;
  url: string;
  /**
   * Graceful shutdown: reports not-ready, stops accepting connections and requests, ends live streams with
   * their finals, lets in-flight requests finish (up to `graceMs`, default SHUTDOWN_GRACE_SEC), then closes
   * the services. Resolves as soon as all that is done.
   */
  close(graceMs?: number): Promise<DrainOutcome>;
}

/** How often Node checks connections against `headersTimeout` / `requestTimeout` (its default is 30 s). */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

/** The HTTP server: the express app plus WebSocket upgrades, with connection-level limits. */
export function createServer(services: Services): { server: http.Server; requests: RequestGate; streams: WebSocketRoutes } {
  const { config } = services;
  // Node's own request timeout is the backstop behind the upload timeout (which answers in OpenAI's shape).
  // Idle keep-alive connections live 65 s, longer than clients and load balancers keep theirs (60 s is
  // common): with Node's default 5 s the server closed sockets a client was about to reuse (ECONNRESET
  // on the request after a long transcription). Request heads must be complete HEADERS_TIMEOUT_SEC after
  // their first byte (Node applies it only to requests under way, not to idle kept-alive connections).
  const requestTimeout = (config.uploadTimeoutSec + 30) * 1000;
  const headersTimeout = Math.min(config.headersTimeoutSec * 1000, requestTimeout);
  const options = {
    requestTimeout,
    headersTimeout,
    keepAliveTimeout: 65_000,
    connectionsCheckingInterval: Math.min(CONNECTIONS_CHECKING_INTERVAL_MS, headersTimeout),
  };
  const { tlsCertFile, tlsKeyFile } = config;
  const requests = new RequestGate();
  const app = requests.wrap(createApp(services));
  // https.Server is an http.Server with TLS underneath: same events, same limits.
  const server: http.Server = tlsCertFile
    ? (https.createServer({ ...options, handshakeTimeout: headersTimeout, cert: readFileSync(tlsCertFile), key: readFileSync(tlsKeyFile) }, app) as unknown as http.Server)
    : http.createServer(options, app);
  server.maxConnections = config.maxConnections;
  limitConnections(server, {
    maxConnections: config.maxConnections,
    maxPerIp: config.maxConnectionsPerIp,
    firstRequestTimeoutMs: headersTimeout,
    tls: Boolean(tlsCertFile),
    onRefused: (reason) => services.metrics.refusals.count('connection', reason),
  });
  const streams = attachWebSocketRoutes(server, services);
  return { server, requests, streams };
}

export async function startServer(services: Services, port: number, host: string): Promise<RunningServer> {
  const { server, requests, streams } = createServer(services);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<DrainOutcome> | null = null;
  return {
    server,
    port: bound,
    url: listeningUrl(host, bound, Boolean(services.config.tlsCertFile)),
    close(graceMs = services.config.shutdownGraceSec * 1000) {
      closing ??= (async () => {
        services.beginShutdown();
        const outcome = await drainServer({ server, requests, streams }, graceMs);
        await services.close();
        return outcome;
      })();
      return closing;
    },
  };
}
