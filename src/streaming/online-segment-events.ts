import type { RecognizedWord } from '../model/recognizer';
import { joinWords, type StreamWord } from './local-agreement';
import { stableDelta } from './stable-delta';
import type { FinalEvent, FinalReason, PartialEvent } from './streaming-events';

/**
 * Events of one utterance decoded by an online model: its decoder only appends tokens, so every word but the
 * last is final as soon as it is followed by another (the last may still grow: "SEV" → "SEVEN"). The stable
 * text is therefore all words but the last; it only ever grows, and no LocalAgreement is needed.
 */
export class OnlineUtteranceEvents {
  private stableText = '';
  private text = '';

  constructor(
    readonly utteranceIndex: number,
    /** First sample of the utterance's audio (absolute). */
    readonly startSample: number,
  ) {}

  /** The partial for the segment's words so far (stream seconds), or null when its text did not change. */
  partial(words: readonly RecognizedWord[]): PartialEvent | null {
    const all = words.map(toStreamWord);
    const text = joinWords(all);
    if (text === this.text) return null;
    const stable = all.slice(0, -1);
    const stableText = joinWords(stable);
    const event: PartialEvent = {
      type: 'partial',
      utteranceIndex: this.utteranceIndex,
      stableText,
      stableDelta: stableDelta(this.stableText, stableText),
      unstableText: all.length > 0 ? all[all.length - 1].word : '',
      text,
      words: all,
    };
    this.text = text;
    this.stableText = stableText;
    return event;
  }

  /** The utterance's final: the decoder's words for its segment. */
  final(words: readonly RecognizedWord[], endSample: number, reason: FinalReason, sampleRateHz: number): FinalEvent {
    const all = words.map(toStreamWord);
    const text = joinWords(all);
    return {
      type: 'final',
      utteranceIndex: this.utteranceIndex,
      reason,
      text,
      stableDelta: stableDelta(this.stableText, text),
      words: all,
      startSec: this.startSample / sampleRateHz,
      endSec: Math.max(endSample, this.startSample) / sampleRateHz,
    };
  }
}

function toStreamWord(w: RecognizedWord): StreamWord {
  return { word: w.word, startSec: w.startSec, endSec: w.endSec, ...(w.tokens ? { tokens: w.tokens } : {}) };
}
