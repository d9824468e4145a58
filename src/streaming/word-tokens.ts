import type { TokenLogprob } from '../model/recognizer';
import type { StreamWord } from './local-agreement';
import type { FinalEvent, PartialEvent } from './streaming-events';

/**
 * The tokens (with log probabilities) that spell `words` in order, each word after the first led by a
 * space (and the first too when `afterText`: the words continue text already sent). A word that opened a
 * recognition window has no boundary token of its own; its first token then carries the space.
 */
export function spelledTokens(words: readonly StreamWord[], afterText: boolean): TokenLogprob[] {
  const out: TokenLogprob[] = [];
  words.forEach((w, i) => {
    (w.tokens ?? []).forEach((t, k) => out.push(k === 0 && (i > 0 || afterText) && !t.token.startsWith(' ') ? { ...t, token: ` ${t.token}` } : t));
  });
  return out;
}

/** How many words `text` (words joined by single spaces) has. */
export function countWords(text: string): number {
  return text ? text.split(' ').length : 0;
}

/** The words an event has made stable: a partial's committed prefix, or all of a final's words. */
export function stableWordsOf(event: PartialEvent | FinalEvent): StreamWord[] {
  return event.type === 'final' ? event.words : event.words.slice(0, countWords(event.stableText));
}

/** Per utterance, how many of its stable words were already sent, so each delta carries only its new ones. */
export class SentWords {
  private readonly sent = new Map<string | number, number>();

  /** The stable words not sent before (and from now on counted as sent); `before` is how many were. */
  take(utterance: string | number, stableWords: readonly StreamWord[]): { fresh: StreamWord[]; before: number } {
    const before = this.sent.get(utterance) ?? 0;
    this.sent.set(utterance, stableWords.length);
    return { fresh: stableWords.slice(before), before };
  }

  /** The utterance is final: forget it. */
  forget(utterance: string | number): void {
    this.sent.delete(utterance);
  }
}
