import { ApiError } from '../errors';
import { PerIpCounter } from '../util/per-ip-counter';

/** Measured capacity (capacity-monitor.ts): the refusal for new work, or null while it is admitted. */
export interface CapacityCheck {
  check(kind?: 'stream' | 'upload'): ApiError | null;
  /** Told of each admitted stream (it learns what a stream costs); returns the call for its close. */
  streamOpened?(): () => void;
}

/** A stream let in: give its slot back once (extra calls are harmless). */
export type ReleaseSlot = () => void;

/**
 * Live-stream slots: at most `maxStreams` open at once and `maxStreamsPerIp` from one client address, none
 * while the models load, and (given `capacity`) none while the measured capacity is used up. A refusal is
 * an ApiError (503 `not_ready`, 503 `server_overloaded`, 429-like `too_many_streams` or
 * `too_many_streams_per_client`) that the WebSocket
 * transports send as an error event and close 1013.
 */
export class StreamSlots {
  private open = 0;
  private readonly perIp: PerIpCounter;

  constructor(
    readonly maxStreams: number,
    readonly maxStreamsPerIp: number,
    private readonly capacity?: CapacityCheck,
  ) {
    this.perIp = new PerIpCounter(maxStreamsPerIp);
  }

  get openStreams(): number {
    return this.open;
  }

  /** Takes a slot for a stream from `address`, or says why not. */
  tryAdmit(address: string, ready: boolean): ReleaseSlot | ApiError {
    if (!ready) return new ApiError(503, 'The models are still loading; retry shortly.', { code: 'not_ready', retryAfterSec: 2 });
    if (this.open >= this.maxStreams) return tooMany(`limit ${this.maxStreams}`, 'too_many_streams');
    const overloaded = this.capacity?.check('stream');
    if (overloaded) return overloaded;
    if (!this.perIp.tryAcquire(address)) return tooMany(`limit ${this.maxStreamsPerIp} per client address`, 'too_many_streams_per_client');
    this.open++;
    const closed = this.capacity?.streamOpened?.();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open--;
      this.perIp.release(address);
      closed?.();
    };
  }
}

/**
 * The server's stream cap (`too_many_streams`: it is full) and one address's (`too_many_streams_per_client`:
 * that client holds its share) have their own codes, so clients and the refusal metrics tell them apart.
 */
function tooMany(limit: string, code: 'too_many_streams' | 'too_many_streams_per_client'): ApiError {
  return new ApiError(429, `Too many concurrent streams (${limit}); retry later.`, { code, retryAfterSec: 1 });
}
