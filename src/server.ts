import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import type { Services } from './services';
import { attachWebSocketRoutes } from './ws/ws-router';

export interface RunningServer {
  server: http.Server;
  /** The bound port (useful with PORT=0). */
  port: number;
  url: string;
  /** Stops accepting connections, lets in-flight requests finish (up to `graceMs`), then closes the services. */
  close(graceMs?: number): Promise<void>;
}

/** The HTTP server: the express app plus WebSocket upgrades, with connection-level limits. */
export function createServer(services: Services): { server: http.Server; closeStreams(): void } {
  // Node's own request timeout is the backstop behind the upload timeout (which answers in OpenAI's shape).
  // Idle keep-alive connections live 65 s, longer than clients and load balancers keep theirs (60 s is
  // common): with Node's default 5 s the server closed sockets a client was about to reuse (ECONNRESET
  // on the request after a long transcription). Headers must arrive within 66 s (more than keep-alive; Node
  // requires no more than the request timeout).
  const requestTimeout = (services.config.uploadTimeoutSec + 30) * 1000;
  const options = { requestTimeout, headersTimeout: Math.min(66_000, requestTimeout), keepAliveTimeout: 65_000 };
  const { tlsCertFile, tlsKeyFile } = services.config;
  const app = createApp(services);
  // https.Server is an http.Server with TLS underneath: same events, same limits.
  const server: http.Server = tlsCertFile
    ? (https.createServer({ ...options, cert: readFileSync(tlsCertFile), key: readFileSync(tlsKeyFile) }, app) as unknown as http.Server)
    : http.createServer(options, app);
  server.maxConnections = services.config.maxConnections;
  const ws = attachWebSocketRoutes(server, services);
  return { server, closeStreams: () => ws.close() };
}

export async function startServer(services: Services, port: number, host: string): Promise<RunningServer> {
  const { server, closeStreams } = createServer(services);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    server,
    port: bound,
    url: `${services.config.tlsCertFile ? 'https' : 'http'}://${shownHost}:${bound}`,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      closeStreams();
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      await services.close();
    },
  };
}
