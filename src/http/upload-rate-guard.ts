import type { Socket } from 'node:net';

export interface UploadRateLimits {
  /** Slowest accepted upload, in bytes per second over `windowSec` (0: no minimum). */
  minBytesPerSec: number;
  /** The rate is measured over this sliding window, in seconds, once the upload is that old. */
  windowSec: number;
}

/** How often the guard samples the socket, in ms. */
const SAMPLE_INTERVAL_MS = 250;

/**
 * Watches the bytes a socket receives and calls `onTooSlow` (once) when, over the last `windowSec`, they
 * came slower than `minBytesPerSec`: a client that trickles its upload (one byte every few seconds) is cut
 * off after one window instead of holding a connection and a spool file until the upload timeout.
 */
export function uploadRateGuard(socket: Socket, limits: UploadRateLimits, onTooSlow: (bytesPerSec: number) => void): { stop(): void } {
  if (limits.minBytesPerSec <= 0) return { stop: () => undefined };
  const windowSamples = Math.max(1, Math.round((limits.windowSec * 1000) / SAMPLE_INTERVAL_MS));
  const history: number[] = [socket.bytesRead];
  const timer = setInterval(() => {
    history.push(socket.bytesRead);
    if (history.length > windowSamples + 1) history.shift();
    if (history.length <= windowSamples) return; // not a whole window old yet
    const bytesPerSec = (history[history.length - 1] - history[0]) / limits.windowSec;
    if (bytesPerSec < limits.minBytesPerSec) {
      clearInterval(timer);
      onTooSlow(bytesPerSec);
    }
  }, SAMPLE_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
