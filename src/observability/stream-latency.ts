import type { StreamingEvent } from '../streaming/streaming-events';

/** Arrival records kept at most (one per accepted frame; older ones are merged away). */
const MAX_ARRIVALS = 4096;

export interface StreamLatencyObservations {
  /** From the arrival of an utterance's first speech sample to its first partial, in ms. */
  firstPartial(latencyMs: number): void;
  /** From the arrival of an utterance's last sample to its final, in ms. */
  final(latencyMs: number): void;
}

/**
 * The latencies a live client feels, in wall time: how long after speech starts its first words appear
 * (first partial), and how long after the utterance's audio ends its final arrives. Events carry audio
 * times (ms since the stream's first accepted sample); this remembers when each stretch of audio arrived,
 * so an event's latency is its emission time minus the arrival time of the sample it is about. The final's
 * latency therefore includes the silence the VAD waits for before ending an utterance (minus the padding
 * kept after the speech), as the client experiences it. First partials need speech starts (server VAD).
 */
export class StreamLatency {
  /** (audio end in ms, arrival time in ms) per accepted frame, in order. */
  private arrivals: { audioEndMs: number; atMs: number }[] = [];
  /** Utterance index → arrival time of its first speech sample, until its first partial. */
  private readonly speechStartedAtMs = new Map<number, number>();

  constructor(
    private readonly observe: StreamLatencyObservations,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** Audio up to `audioEndMs` (stream time) has been accepted now. */
  audioAccepted(audioEndMs: number): void {
    const now = this.nowMs();
    const last = this.arrivals[this.arrivals.length - 1];
    if (last && last.atMs === now) last.audioEndMs = audioEndMs;
    else this.arrivals.push({ audioEndMs, atMs: now });
    if (this.arrivals.length > MAX_ARRIVALS) this.arrivals = this.arrivals.filter((_, i) => i % 2 === 1);
  }

  /** Every event of the stream, in order. */
  onEvent(event: StreamingEvent): void {
    const now = this.nowMs();
    switch (event.type) {
      case 'speech_started': {
        const at = this.arrivalOf(event.audioStartMs);
        if (at !== null) this.speechStartedAtMs.set(event.utteranceIndex, at);
        break;
      }
      case 'partial': {
        const at = this.speechStartedAtMs.get(event.utteranceIndex);
        if (at !== undefined) {
          this.speechStartedAtMs.delete(event.utteranceIndex);
          this.observe.firstPartial(Math.max(0, now - at));
        }
        break;
      }
      case 'final': {
        this.speechStartedAtMs.delete(event.utteranceIndex);
        const at = this.arrivalOf(event.endSec * 1000);
        if (at !== null) this.observe.final(Math.max(0, now - at));
        this.forgetBefore(event.endSec * 1000);
        break;
      }
      default:
        break;
    }
  }

  /** When the sample at `audioMs` arrived: the first frame reaching past it; null if unknown. */
  private arrivalOf(audioMs: number): number | null {
    const a = this.arrivals;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid].audioEndMs < audioMs) lo = mid + 1;
      else hi = mid;
    }
    return lo < a.length ? a[lo].atMs : null;
  }

  /** Finals come in order: arrivals wholly before an utterance's end are no longer needed (keeps one). */
  private forgetBefore(audioMs: number): void {
    let drop = 0;
    while (drop < this.arrivals.length - 1 && this.arrivals[drop].audioEndMs < audioMs) drop++;
    if (drop > 0) this.arrivals.splice(0, drop);
  }
}
