import { RecognizedWord } from '../model/recognizer';
import {
  agreeOnHypothesis,
  flushAgreement,
  INITIAL_AGREEMENT_STATE,
  joinWords,
  LocalAgreementState,
  StreamWord,
} from './local-agreement';
import { stableDelta } from './stable-delta';
import { STREAM_SAMPLE_RATE_HZ } from './stream-input';
import { FinalEvent, FinalReason, PartialEvent } from './streaming-events';

/**
 * One utterance of a streaming session: its LocalAgreement state, and the window of audio still to be
 * re-transcribed, which starts at the last committed word boundary so each update costs O(window).
 */
export class Utterance {
  /** First sample of the uncommitted window; only moves forward, at committed word boundaries. */
  windowStartSample: number;
  /** End of the audio the latest applied hypothesis covered. */
  recognizedEndSample: number;
  /** End of the audio the latest recognition request covered (it may have failed). */
  requestedEndSample: number;
  private agreement: LocalAgreementState;
  private lastUnstableText = '';

  /**
   * @param index the utterance's number in its session
   * @param startSample first sample of the utterance's audio (absolute)
   * @param pending words heard but not committed yet, carried over from a split utterance
   */
  constructor(
    readonly index: number,
    readonly startSample: number,
    pending: readonly StreamWord[] = [],
  ) {
    this.windowStartSample = startSample;
    this.recognizedEndSample = startSample;
    this.requestedEndSample = startSample;
    this.agreement = { ...INITIAL_AGREEMENT_STATE, pending };
  }

  get committedWords(): readonly StreamWord[] {
    return this.agreement.committed;
  }

  /**
   * Where decoding of the window starts: up to `leftContextSamples` before it, within the utterance, so the
   * window's first word is heard with the audio before it.
   */
  decodeStartSample(leftContextSamples: number): number {
    return Math.max(this.startSample, this.windowStartSample - leftContextSamples);
  }

  /** The committed words that end before `sample`, as text: what audio decoded from there continues. */
  committedTextBefore(sample: number): string {
    const sec = sample / STREAM_SAMPLE_RATE_HZ;
    return joinWords(this.agreement.committed.filter((w) => w.endSec <= sec));
  }

  /** Recognizer words (seconds from the window start) in stream seconds. */
  static toStreamWords(words: readonly RecognizedWord[], windowStartSample: number): StreamWord[] {
    const offsetSec = windowStartSample / STREAM_SAMPLE_RATE_HZ;
    return words.map((w) => ({ word: w.word, startSec: offsetSec + w.startSec, endSec: offsetSec + w.endSec, tokens: w.tokens }));
  }

  /**
   * Applies the hypothesis of the window `[windowStartSample, windowEndSample)`. Returns the partial to emit,
   * or null when neither the stable nor the unstable text changed. Trims the window after new commits.
   */
  applyHypothesis(words: StreamWord[], windowEndSample: number): PartialEvent | null {
    const previousStable = joinWords(this.agreement.committed);
    const update = agreeOnHypothesis(this.agreement, words);
    this.agreement = update.state;
    this.recognizedEndSample = Math.max(this.recognizedEndSample, windowEndSample);
    if (update.committed.length > 0) this.trimWindow(update.unstable[0], windowEndSample);
    const unstableText = joinWords(update.unstable);
    if (update.committed.length === 0 && unstableText === this.lastUnstableText) return null;
    this.lastUnstableText = unstableText;
    const stableText = joinWords(this.agreement.committed);
    return {
      type: 'partial',
      utteranceIndex: this.index,
      stableText,
      stableDelta: stableDelta(previousStable, stableText),
      unstableText,
      text: [stableText, unstableText].filter(Boolean).join(' '),
      words: [...this.agreement.committed, ...update.unstable],
    };
  }

  /**
   * Ends the utterance: commits `finalWords` (the hypothesis of the whole remaining window) or, without
   * them, what is pending. `endSample` is where the utterance's audio ends.
   */
  finish(finalWords: StreamWord[] | undefined, endSample: number, reason: FinalReason): FinalEvent {
    const previousStable = joinWords(this.agreement.committed);
    this.agreement = flushAgreement(this.agreement, finalWords).state;
    return this.finalEvent(previousStable, endSample, reason);
  }

  /**
   * Ends the utterance with `words`, the hypothesis of its whole audio: they replace what the partials
   * committed. The final's `stableDelta` is what it appends to the committed text when it extends it word for
   * word, else '' (a revision: the final's `text` is authoritative). A final that only lengthens the last
   * committed word ("for" -> "force") revises it: the words sent stay whole words.
   */
  finishWhole(words: StreamWord[], endSample: number, reason: FinalReason): FinalEvent {
    const previousStable = joinWords(this.agreement.committed);
    this.agreement = { ...this.agreement, committed: words, pending: [] };
    const final = this.finalEvent('', endSample, reason);
    return { ...final, stableDelta: stableDelta(previousStable, final.text) };
  }

  /**
   * Ends the utterance at its window start (the last committed word boundary) with only the committed
   * words, and returns the utterance that continues from there with the uncommitted words still pending.
   */
  split(nextIndex: number): { final: FinalEvent; next: Utterance } {
    const stable = joinWords(this.agreement.committed);
    const next = new Utterance(nextIndex, this.windowStartSample, this.agreement.pending);
    next.recognizedEndSample = this.recognizedEndSample;
    next.requestedEndSample = this.requestedEndSample;
    return { final: this.finalEvent(stable, this.windowStartSample, 'max_length'), next };
  }

  private finalEvent(previousStable: string, endSample: number, reason: FinalReason): FinalEvent {
    const text = joinWords(this.agreement.committed);
    return {
      type: 'final',
      utteranceIndex: this.index,
      reason,
      text,
      stableDelta: stableDelta(previousStable, text),
      words: [...this.agreement.committed],
      startSec: this.startSample / STREAM_SAMPLE_RATE_HZ,
      endSec: endSample / STREAM_SAMPLE_RATE_HZ,
    };
  }

  /** Moves the window start to between the last committed word and the next word (if it is known). */
  private trimWindow(nextWord: StreamWord | undefined, windowEndSample: number): void {
    const lastCommittedEndSec = this.agreement.lastCommittedEndSec;
    const boundarySec = nextWord ? (lastCommittedEndSec + Math.max(lastCommittedEndSec, nextWord.startSec)) / 2 : lastCommittedEndSec;
    const boundary = Math.floor(boundarySec * STREAM_SAMPLE_RATE_HZ);
    this.windowStartSample = Math.min(windowEndSample, Math.max(this.windowStartSample, boundary));
  }
}
