import type { TokenLogprob } from '../model/recognizer';
import type { StreamWord } from './local-agreement';

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
