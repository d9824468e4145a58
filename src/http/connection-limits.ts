import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { clientAddress, PerIpCounter } from '../util/per-ip-counter';

export interface ConnectionLimits {
  /** Open connections in all (the server's `maxConnections`): beyond it Node refuses connections. */
  maxConnections: number;
  /** Open connections one client address may hold; more are dropped on arrival. */
  maxPerIp: number;
  /**
   * Time a new connection has to complete its first request head, in ms. Node's `headersTimeout` only
   * covers connections that have sent a byte; this also drops those that connect and send nothing.
   */
  firstRequestTimeoutMs: number;
  /** TLS server: the first-request clock starts once the handshake is done (`handshakeTimeout` covers it). */
  tls: boolean;
  /** Told of each connection dropped by these limits (refusal metrics). */
  onRefused?: (reason: 'connections_per_ip' | 'evicted_idle' | 'first_request_timeout') => void;
}

/**
 * Connection-level limits on an HTTP(S) server, so half-open connections cannot hold the server's capacity:
 * - a per-address cap (one client cannot fill MAX_CONNECTIONS);
 * - a deadline for the first request head;
 * - under pressure (open connections in the last tenth below `maxConnections`), each new connection evicts
 *   the oldest one that has still not sent a complete request head, so connections from many addresses
 *   that never send a request cannot lock new clients out until their deadline.
 */
export function limitConnections(server: Server, limits: ConnectionLimits): void {
  const perIp = new PerIpCounter(limits.maxPerIp);
  const pressureAt = limits.maxConnections - Math.max(1, Math.floor(limits.maxConnections / 10));
  let open = 0;
  /** Connections with no complete request head yet, oldest first (a Set iterates in insertion order). */
  const waiting = new Set<Socket>();

  server.on('connection', (socket: Socket) => {
    const address = clientAddress(socket.remoteAddress);
    if (!perIp.tryAcquire(address)) {
      limits.onRefused?.('connections_per_ip');
      socket.destroy();
      return;
    }
    open++;
    socket.once('close', () => {
      open--;
      perIp.release(address);
    });
    if (open > pressureAt) {
      const oldest = waiting.values().next().value;
      if (oldest) {
        waiting.delete(oldest);
        limits.onRefused?.('evicted_idle');
        oldest.destroy();
      }
    }
  });

  const served = (req: { socket: object }) => waiting.delete(req.socket as Socket);
  server.on('request', served);
  server.on('upgrade', served);
  // Registered after the listener above: a new connection is never the one it evicts.
  server.on(limits.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    if (socket.destroyed) return;
    waiting.add(socket);
    const timer = setTimeout(() => {
      if (waiting.delete(socket)) {
        limits.onRefused?.('first_request_timeout');
        socket.destroy();
      }
    }, limits.firstRequestTimeoutMs);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      waiting.delete(socket);
    });
  });
}
