/**
 * Per-stream limits of a WebSocket stream. Calls `onLimit` once, with the reason:
 * - `idle_timeout`: no audio for `idleTimeoutMs` (only audio counts: pings and other messages do not keep a
 *   stream open, so idle clients cannot hold stream slots);
 * - `max_duration`: more than `maxAudioMs` of audio received;
 * - `max_stream_wall_time`: open for `maxWallMs` of wall-clock time, whatever it sent.
 */
export type LimitReason = 'idle_timeout' | 'max_duration' | 'max_stream_wall_time';

export interface StreamLimits {
  idleTimeoutMs: number;
  /** Audio a stream may send, in ms of audio. */
  maxAudioMs: number;
  /** Time a stream may stay open, in ms of wall-clock time. */
  maxWallMs: number;
}

export class StreamGuard {
  private idleTimer: NodeJS.Timeout | null = null;
  private wallTimer: NodeJS.Timeout | null;
  private tripped = false;

  constructor(
    private readonly limits: StreamLimits,
    private readonly onLimit: (reason: LimitReason, message: string) => void,
  ) {
    this.restartIdleTimer();
    const wallSec = Math.round(limits.maxWallMs / 1000);
    this.wallTimer = setTimeout(() => this.trip('max_stream_wall_time', `The stream reached its maximum of ${wallSec} s of wall-clock time; closing it.`), limits.maxWallMs);
    this.wallTimer.unref();
  }

  /**
   * Audio arrived (`receivedMs` in total so far): restarts the idle timer. Returns false (and trips) once
   * the audio is over the cap.
   */
  audioReceived(receivedMs: number): boolean {
    if (this.tripped) return false;
    if (receivedMs > this.limits.maxAudioMs) {
      this.trip('max_duration', `The stream exceeded the maximum duration of ${Math.round(this.limits.maxAudioMs / 1000)} s of audio.`);
      return false;
    }
    this.restartIdleTimer();
    return true;
  }

  /** Stops the timers; no limit trips after this. */
  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.wallTimer) clearTimeout(this.wallTimer);
    this.idleTimer = null;
    this.wallTimer = null;
  }

  private restartIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const idleSec = Math.round(this.limits.idleTimeoutMs / 1000);
    this.idleTimer = setTimeout(() => this.trip('idle_timeout', `No audio for ${idleSec} s; closing the stream.`), this.limits.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private trip(reason: LimitReason, message: string): void {
    if (this.tripped) return;
    this.tripped = true;
    this.stop();
    this.onLimit(reason, message);
  }
}
