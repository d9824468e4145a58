import client from 'prom-client';
import type { ApiError } from '../errors';

/** Where a refusal happened: an HTTP request, a WebSocket stream (upgrade, admission or audio refused), or a TCP connection. */
export type RefusalTransport = 'http' | 'ws' | 'connection';

/**
 * Error codes that are refusals (load shedding and admission), besides every 429 and 503: uploads dropped
 * for being too slow. A 4xx for a bad request is the client's mistake, not a refusal.
 */
const REFUSAL_CODES = new Set(['upload_too_slow', 'upload_timeout']);

/** The refusal reason of an error (its code), or null when the error is not a refusal. */
export function refusalReason(error: ApiError): string | null {
  if (error.status === 429 || error.status === 503 || (error.code !== null && REFUSAL_CODES.has(error.code))) return error.code ?? `status_${error.status}`;
  return null;
}

/**
 * Work refused at the door, by transport and reason: the error code clients get (`too_many_requests`,
 * `server_overloaded`, `too_many_streams`, `stream_lagging`, `upload_too_slow`, `shutting_down`, …), or for
 * TCP connections `connections_per_ip`, `first_request_timeout` and `evicted_idle`. New admission codes are
 * counted as they appear.
 */
export class RefusalMetrics {
  private readonly refused: client.Counter<'transport' | 'reason'>;

  constructor(registry: client.Registry) {
    this.refused = new client.Counter({
      name: 'stt_refusals_total',
      help: 'Requests, streams, audio and connections refused (load shedding and admission), by transport (http, ws, connection) and reason (the error code)',
      labelNames: ['transport', 'reason'] as const,
      registers: [registry],
    });
  }

  /** Counts `error` if it is a refusal (see refusalReason). */
  countError(transport: RefusalTransport, error: ApiError): void {
    const reason = refusalReason(error);
    if (reason !== null) this.refused.inc({ transport, reason });
  }

  count(transport: RefusalTransport, reason: string): void {
    this.refused.inc({ transport, reason });
  }
}
