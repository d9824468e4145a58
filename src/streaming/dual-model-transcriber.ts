import { RingBuffer } from '../buffer/ring-buffer';
import { ApiError, toApiError } from '../errors';
import type { Recognizer } from '../model/recognizer';
import type { StreamWord } from './local-agreement';
import type { LiveTranscriber } from './live-transcriber';
import { finalKeepingStablePrefix } from './stable-prefix-final';
import { validateStreamingConfig, type StreamingTranscriberConfig } from './streaming-config';
import type { FinalEvent, StreamingEvent } from './streaming-events';
import { STREAM_SAMPLE_RATE_HZ, STREAM_SAMPLES_PER_MS } from './stream-input';
import { stableWordsOf } from './word-tokens';

/** Finals kept for `commit()` to pick up, at most (a commit asks for the one it caused, right after it). */
const MAX_KEPT_FINALS = 8;

export interface DualModelTranscriberDeps {
  /**
   * Builds the transcriber whose partials the stream shows (the partial model's), sending its events to
   * `onEvent`. Either an OnlineStreamingTranscriber on an online partial model (its finals are the partial
   * model's: give `finalRecognizer`), or a StreamingTranscriber that re-decodes windows with the partial model
   * and decodes finals with the final model (its `partialRecognizer` option: no `finalRecognizer` here).
   */
  createPartialTranscriber(onEvent: (event: StreamingEvent) => void): LiveTranscriber;
  /**
   * The final model, when the partial transcriber's finals are the partial model's: each final's audio (its
   * `startSec`–`endSec`) is decoded again by it, at normal priority. Absent: those finals are the final model's already.
   */
  finalRecognizer?: Recognizer;
  /** Receives every event in order (partials, speech events, finals). */
  onEvent(event: StreamingEvent): void;
}

/**
 * A live stream on two models (STREAM_PARTIAL_MODEL): a fast partial model makes the partials, the stream's
 * own model the finals. Speech events and partials of the partial transcriber pass through as they are; each
 * of its finals is replaced by the final model's, under the rule that the stable prefix never retracts
 * (stable-prefix-final.ts): the final keeps the last partial's stable words and appends the final model's
 * words after them. Events keep their order: while a final is being decoded by the final model, later events
 * wait for it. With `finalRecognizer`, the audio since the last final is kept here (at most `maxBufferedSec`).
 */
export class DualModelTranscriber implements LiveTranscriber {
  private readonly inner: LiveTranscriber;
  private readonly ring: RingBuffer | null;
  /** The stable words of the last partial, per utterance without a final yet. */
  private readonly stableWords = new Map<number, readonly StreamWord[]>();
  /** Finals by utterance (null when the final model failed), for `commit()`; the latest few only. */
  private readonly finals = new Map<number, Promise<FinalEvent | null>>();
  /** Events held behind a final being decoded, in order; null when nothing waits (events go out at once). */
  private held: Promise<void> | null = null;
  private heldCount = 0;
  private readonly decodes = new AbortController();
  private state: 'open' | 'ending' | 'closed' = 'open';
  /** Audio before a final's end kept for the next utterance (its prefix padding), in samples. */
  private readonly keepBeforeEndSamples: number;

  constructor(
    private readonly deps: DualModelTranscriberDeps,
    config: StreamingTranscriberConfig,
  ) {
    validateStreamingConfig(config);
    if (deps.finalRecognizer && deps.finalRecognizer.sampleRateHz !== STREAM_SAMPLE_RATE_HZ) {
      throw new RangeError(`the final recognizer expects ${deps.finalRecognizer.sampleRateHz} Hz; streaming runs at ${STREAM_SAMPLE_RATE_HZ} Hz`);
    }
    this.ring = deps.finalRecognizer ? new RingBuffer(Math.ceil(config.maxBufferedSec * STREAM_SAMPLE_RATE_HZ)) : null;
    this.keepBeforeEndSamples = Math.round((config.vad.prefixPaddingMs + config.vad.minSpeechMs) * STREAM_SAMPLES_PER_MS);
    this.inner = deps.createPartialTranscriber((event) => this.onInnerEvent(event));
  }

  get receivedMs(): number {
    return this.inner.receivedMs;
  }

  get lagMs(): number {
    return this.inner.lagMs;
  }

  get transcriptLagMs(): number {
    return this.inner.transcriptLagMs;
  }

  pushAudio(samples: Float32Array): void {
    this.inner.pushAudio(samples); // throws (409, 429) before anything is kept
    const ring = this.ring;
    if (!ring || samples.length === 0) return;
    // The newest `maxBufferedSec` hold any utterance still open (the partial transcriber's own bound).
    if (samples.length > ring.freeSamples) ring.discardBefore(Math.min(ring.endSample, ring.endSample + samples.length - ring.capacitySamples));
    ring.append(samples);
  }

  async commit(): Promise<FinalEvent> {
    const innerFinal = await this.inner.commit();
    const final = await this.finals.get(innerFinal.utteranceIndex);
    if (!final) throw new ApiError(500, 'The transcription of the committed audio failed.', { code: 'transcription_failed' });
    return final;
  }

  clear(): void {
    if (this.state === 'closed') return;
    this.inner.clear();
    this.stableWords.clear();
    this.ring?.discardBefore(this.ring.endSample);
  }

  async end(): Promise<void> {
    if (this.state !== 'open') return this.settled();
    this.state = 'ending';
    await this.inner.end();
    await this.settled();
    this.close();
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.inner.close();
    this.decodes.abort();
    this.stableWords.clear();
  }

  async processed(): Promise<void> {
    await this.inner.processed();
    await this.settled();
  }

  /** Resolves once every final started so far has been emitted. */
  private async settled(): Promise<void> {
    while (this.held) await this.held;
  }

  private onInnerEvent(event: StreamingEvent): void {
    if (event.type === 'partial') this.stableWords.set(event.utteranceIndex, stableWordsOf(event));
    if (event.type !== 'final') {
      this.emitInOrder(event);
      return;
    }
    const stable = this.stableWords.get(event.utteranceIndex) ?? [];
    this.stableWords.delete(event.utteranceIndex);
    if (!this.ring) {
      // The partial transcriber's final is the final model's already.
      const final = finalKeepingStablePrefix(event, stable);
      this.keep(event.utteranceIndex, Promise.resolve(final));
      this.emitInOrder(final);
      return;
    }
    const final = this.decodeFinal(event, stable);
    this.keep(event.utteranceIndex, final);
    this.emitInOrder(final);
  }

  /** The final model's final for the audio of `innerFinal`, keeping `stable`; null (after an error event) when it failed. */
  private async decodeFinal(innerFinal: FinalEvent, stable: readonly StreamWord[]): Promise<FinalEvent | null> {
    const ring = this.ring!;
    const startSample = Math.max(ring.startSample, Math.round(innerFinal.startSec * STREAM_SAMPLE_RATE_HZ));
    const endSample = Math.min(ring.endSample, Math.max(startSample, Math.round(innerFinal.endSec * STREAM_SAMPLE_RATE_HZ)));
    const samples = ring.read(startSample, endSample);
    // Audio after this final belongs to the next utterance, whose padded start may reach a little before it.
    ring.discardBefore(Math.max(ring.startSample, endSample - this.keepBeforeEndSamples));
    try {
      const result = samples.length > 0 ? await this.deps.finalRecognizer!.recognize(samples, { signal: this.decodes.signal }) : null;
      const offsetSec = startSample / STREAM_SAMPLE_RATE_HZ;
      const words: StreamWord[] = (result?.words ?? []).map((w) => ({ word: w.word, startSec: offsetSec + w.startSec, endSec: offsetSec + w.endSec, ...(w.tokens ? { tokens: w.tokens } : {}) }));
      return finalKeepingStablePrefix({ ...innerFinal, words }, stable);
    } catch (err) {
      this.emit({ type: 'error', utteranceIndex: innerFinal.utteranceIndex, error: toApiError(err) });
      return null;
    }
  }

  /** Emits an event, or a final once it is decoded, after everything before it; at once when nothing waits. */
  private emitInOrder(event: StreamingEvent | Promise<FinalEvent | null>): void {
    if (!this.held && !(event instanceof Promise)) {
      this.emit(event);
      return;
    }
    const previous = this.held ?? Promise.resolve();
    this.heldCount++;
    const next = previous
      .then(async () => {
        const ready = await event;
        if (ready) this.emit(ready);
      })
      // A throwing event handler must not stop every later event; the transports' handlers do not throw.
      .catch(() => undefined);
    this.held = next;
    void next.then(() => {
      if (--this.heldCount === 0) this.held = null;
    });
  }

  private keep(utteranceIndex: number, final: Promise<FinalEvent | null>): void {
    this.finals.set(utteranceIndex, final);
    for (const index of this.finals.keys()) if (this.finals.size > MAX_KEPT_FINALS) this.finals.delete(index);
  }

  private emit(event: StreamingEvent): void {
    if (this.state !== 'closed') this.deps.onEvent(event);
  }
}
