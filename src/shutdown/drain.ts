import type { Server } from 'node:http';
import type { WebSocketRoutes } from '../ws/ws-router';
import type { RequestGate } from './request-gate';

export interface DrainTargets {
  server: Server;
  requests: RequestGate;
  streams: WebSocketRoutes;
}

/** How the drain ended: all work finished, or the deadline cut it. */
export type DrainOutcome = { drained: true; ms: number } | { drained: false; ms: number; requestsLeft: number };

/** Idle kept-alive connections are closed this often while draining (a connection turns idle after each response). */
const IDLE_SWEEP_MS = 100;

/**
 * Graceful shutdown of the transports: stop listening, refuse new requests (also on kept-alive connections)
 * and new streams, end every live stream with its finals, and let in-flight requests finish — for at most
 * `graceMs`, then everything left is cut. Resolves as soon as the work is done (or at the deadline).
 */
export async function drainServer({ server, requests, streams }: DrainTargets, graceMs: number): Promise<DrainOutcome> {
  const started = performance.now();
  const listenerClosed = new Promise<void>((resolve) => server.close(() => resolve()));
  requests.startDraining();
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  let deadlineTimer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => (deadlineTimer = setTimeout(() => resolve('deadline'), graceMs)));
  const work = Promise.all([requests.idle(), streams.drain()]).then(() => 'drained' as const);
  const result = await Promise.race([work, deadline]);
  clearInterval(sweep);
  clearTimeout(deadlineTimer);
  const requestsLeft = requests.size;
  // Whatever is left (a request past the deadline, half-open or idle connections) is cut now.
  streams.terminate();
  server.closeAllConnections();
  await Promise.race([listenerClosed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  const ms = Math.round(performance.now() - started);
  return result === 'drained' ? { drained: true, ms } : { drained: false, ms, requestsLeft };
}
