import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { clientAddress, PerIpCounter } from '../util/per-ip-counter';

export interface ConnectionLimits {
  /** Open connections one client address may hold; more are dropped on arrival. */
  maxPerIp: number;
  /**
   * Time a new connection has to complete its first request head, in ms. Node's `headersTimeout` only
   * covers connections that have sent a byte; this also drops those that connect and send nothing.
   */
  firstRequestTimeoutMs: number;
  /** TLS server: the first-request clock starts once the handshake is done (`handshakeTimeout` covers it). */
  tls: boolean;
}

/**
 * Connection-level limits on an HTTP(S) server, so half-open connections from one client cannot fill
 * MAX_CONNECTIONS: a per-address cap, and a deadline for the first request.
 */
export function limitConnections(server: Server, limits: ConnectionLimits): void {
  const perIp = new PerIpCounter(limits.maxPerIp);
  server.on('connection', (socket: Socket) => {
    const address = clientAddress(socket.remoteAddress);
    if (!perIp.tryAcquire(address)) {
      socket.destroy();
      return;
    }
    socket.once('close', () => perIp.release(address));
  });

  const served = new WeakSet<object>();
  const markServed = (req: { socket: object }) => served.add(req.socket);
  server.on('request', markServed);
  server.on('upgrade', markServed);
  server.on(limits.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    if (socket.destroyed) return;
    const timer = setTimeout(() => {
      if (!served.has(socket)) socket.destroy();
    }, limits.firstRequestTimeoutMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
}
