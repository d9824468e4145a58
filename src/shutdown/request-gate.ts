import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ApiError } from '../errors';

/**
 * Counts the HTTP requests in flight and, once draining, refuses new ones — also those arriving on
 * kept-alive connections, which `server.close()` does not stop — with 503 + `Connection: close`. Requests
 * already in flight run to their end, and their connections close after the response.
 */
export class RequestGate {
  private readonly inFlight = new Set<ServerResponse>();
  private draining = false;
  private idleWaiters: (() => void)[] = [];

  /** Requests in flight now. */
  get size(): number {
    return this.inFlight.size;
  }

  /** The server's request listener: `handler` for every request, until draining. */
  wrap(handler: RequestListener): RequestListener {
    return (req: IncomingMessage, res: ServerResponse) => {
      if (this.draining) {
        refuse(res);
        return;
      }
      this.inFlight.add(res);
      res.once('close', () => {
        this.inFlight.delete(res);
        if (this.inFlight.size === 0) this.notifyIdle();
      });
      handler(req, res);
    };
  }

  /** From now on new requests get 503; responses still to come ask their clients to close the connection. */
  startDraining(): void {
    this.draining = true;
    for (const res of this.inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
  }

  /** Resolves when no request is in flight. */
  idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((w) => w());
  }
}

function refuse(res: ServerResponse): void {
  const error = new ApiError(503, 'The server is shutting down; retry on a new connection.', { code: 'shutting_down', retryAfterSec: 2 });
  const body = JSON.stringify(error.toBody());
  res.shouldKeepAlive = false;
  res.writeHead(503, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Retry-After': String(error.retryAfterSec), Connection: 'close' });
  res.end(body);
}
