/**
 * Per-connection limits of a WebSocket stream: an idle timer reset by every message and a cap on the audio
 * duration. Calls `onLimit` once with the reason.
 */
export type LimitReason = 'idle_timeout' | 'max_duration';

export class ConnectionGuard {
  private idleTimer: NodeJS.Timeout | null = null;
  private tripped = false;

  constructor(
    private readonly idleTimeoutMs: number,
    private readonly maxAudioMs: number,
    private readonly onLimit: (reason: LimitReason, message: string) => void,
  ) {
    this.touch();
  }

  /** A message arrived: restart the idle timer. */
  touch(): void {
    if (this.tripped) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.trip('idle_timeout', `No message for ${Math.round(this.idleTimeoutMs / 1000)} s; closing the stream.`), this.idleTimeoutMs);
    this.idleTimer.unref();
  }

  /** Checks the audio received so far; returns false (and trips) once it is over the cap. */
  checkAudio(receivedMs: number): boolean {
    if (this.tripped) return false;
    if (receivedMs > this.maxAudioMs) {
      this.trip('max_duration', `The stream exceeded the maximum duration of ${Math.round(this.maxAudioMs / 1000)} s of audio.`);
      return false;
    }
    return true;
  }

  private trip(reason: LimitReason, message: string): void {
    if (this.tripped) return;
    this.tripped = true;
    this.stop();
    this.onLimit(reason, message);
  }

  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
