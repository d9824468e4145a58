import type { Recognizer } from '../model/recognizer';
import type { StreamingEvent } from './streaming-events';
import { STREAM_SAMPLES_PER_MS as SAMPLES_PER_MS } from './stream-input';
import { Utterance } from './utterance';

/**
 * Partial recognitions in flight at most: one running and one waiting, which a newer window replaces. The
 * second is sent only once the first has been out longer than the update interval (it is probably waiting in
 * a busy pool's queue): a quick answer is always awaited, so its successor decodes the newest audio.
 */
const MAX_PARTIALS_IN_FLIGHT = 2;

/** What the partial updates read from and tell their stream (streaming-transcriber.ts). */
export interface PartialUpdatesHost {
  /** The utterance in progress, if any. */
  utterance(): Utterance | null;
  /** Where the audio the next window may cover ends (what the VAD has seen), in samples. */
  windowEndSample(): number;
  /** The stream's audio between two sample positions. */
  read(startSample: number, endSample: number): Float32Array;
  /** The recognizer of partials (low priority, superseded by the stream's next one). */
  recognizer: Recognizer;
  /** Identifies the stream in the pool's queue: its newer partial replaces its older one still waiting there. */
  supersedeKey: unknown;
  /** How long an update interval is now, in ms (the configured one, stretched under load). */
  intervalMs(): number;
  /** Audio before the uncommitted words that each window repeats, in samples. */
  leftContextSamples: number;
  /** False once the stream is closed or partials are off. */
  active(): boolean;
  emit(event: StreamingEvent): void;
  /** A hypothesis was applied: audio before the committed words may be forgotten. */
  onApplied(): void;
}

/**
 * A stream's partial updates: while an utterance continues, its uncommitted window is re-transcribed every
 * interval and stabilized by the utterance (LocalAgreement-2). At most one recognition runs and one waits,
 * which a newer window replaces in the pool's queue (same supersede key): always the newest audio.
 */
export class PartialUpdates {
  private readonly inFlight = new Set<{ controller: AbortController; done: Promise<void>; sentAtMs: number }>();

  constructor(private readonly host: PartialUpdatesHost) {}

  /**
   * Starts a re-transcription of the current window if one is due. While an older one is still waiting in
   * the pool's queue this one replaces it there; one still running is left to finish.
   */
  maybeUpdate(afterAnswer = false): void {
    const { host } = this;
    const utterance = host.utterance();
    if (!utterance || this.inFlight.size >= MAX_PARTIALS_IN_FLIGHT || !host.active()) return;
    const windowEnd = host.windowEndSample();
    const intervalMs = host.intervalMs();
    if (windowEnd - utterance.requestedEndSample < intervalMs * SAMPLES_PER_MS) return;
    const now = performance.now();
    // A partial out less than an interval is probably running: wait for it. Right after an answer, one still
    // out is waiting in the queue (behind the one answered), and this newer window replaces it there.
    if (!afterAnswer) for (const p of this.inFlight) if (now - p.sentAtMs < intervalMs) return;
    utterance.requestedEndSample = windowEnd;
    const decodeStart = utterance.decodeStartSample(host.leftContextSamples);
    const samples = host.read(decodeStart, windowEnd);
    const precedingText = utterance.committedTextBefore(decodeStart);
    const controller = new AbortController();
    // A partial update is superseded by the next one: under load it yields to finals and files.
    const options = { signal: controller.signal, priority: 'low' as const, precedingText, supersedeKey: host.supersedeKey };
    const done = host.recognizer.recognize(samples, options).then(
      (result) => {
        // A newer window may have come back first (another worker): an older one is stale.
        if (controller.signal.aborted || host.utterance() !== utterance || windowEnd <= utterance.recognizedEndSample) return;
        const event = utterance.applyHypothesis(Utterance.toStreamWords(result.words, decodeStart), windowEnd);
        if (event) host.emit(event);
        host.onApplied();
      },
      () => undefined, // a failed, refused or superseded partial is skipped; the next interval tries again
    );
    const partial = { controller, done, sentAtMs: now };
    this.inFlight.add(partial);
    void done.then(() => {
      this.inFlight.delete(partial);
      this.maybeUpdate(true);
    });
  }

  /** Abandons the partials in flight; resolves once each has settled (none applies its answer). */
  async abort(): Promise<void> {
    if (this.inFlight.size === 0) return;
    const partials = [...this.inFlight];
    this.inFlight.clear();
    for (const partial of partials) partial.controller.abort();
    await Promise.all(partials.map((p) => p.done));
  }
}
