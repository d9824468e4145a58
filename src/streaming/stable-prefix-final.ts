import { joinWords, normalizeWord, type StreamWord } from './local-agreement';
import type { FinalEvent } from './streaming-events';

/**
 * The rule of dual-model streams (dual-model-transcriber.ts): partials come from one model, finals from
 * another, and **the stable prefix never retracts when the final arrives**. The final is the stable words
 * already sent (the partial model's, with its spelling and times) followed by the final model's words that lie
 * after them. Which words those are is decided by time, since two models may hear and spell the same audio
 * differently: a final word lies after the prefix when it starts no earlier than `toleranceSec` before the
 * prefix's last word ends (models place word edges a frame or two apart). By its start, not its middle: a word
 * the partials committed cut short by a window's end ("for" of "fox") must not be followed by the final model's
 * whole word ("forks"). A repeat of the prefix's last words that still overlaps them in time (the same word
 * heard by both models, with edges further apart) is dropped.
 * Pure functions of words in stream seconds; no model, no clock.
 */

export interface StablePrefixOptions {
  /** How much earlier than the prefix's end a final word may start and still count as after it, in s. Default 0.1. */
  toleranceSec?: number;
  /** Longest repeat of the prefix's tail dropped from the start of the final model's words. Default 3 words. */
  maxOverlapWords?: number;
}

/** The final model's words (in order, stream seconds) that come after the stable prefix `stable`. */
export function wordsAfterStablePrefix(stable: readonly StreamWord[], finalWords: readonly StreamWord[], options: StablePrefixOptions = {}): StreamWord[] {
  if (stable.length === 0) return [...finalWords];
  const toleranceSec = options.toleranceSec ?? 0.1;
  const stableEndSec = stable[stable.length - 1].endSec;
  const first = finalWords.findIndex((w) => w.startSec >= stableEndSec - toleranceSec);
  const after = first < 0 ? [] : finalWords.slice(first);
  // "hello" ending at 1.00 s in the prefix, and the final model's "hello" at 0.90-1.20 s: heard already.
  const longest = Math.min(options.maxOverlapWords ?? 3, stable.length, after.length);
  for (let n = longest; n >= 1; n--) {
    if (after[0].startSec >= stableEndSec) break;
    const tail = stable.slice(stable.length - n);
    if (tail.every((w, i) => normalizeWord(w.word) === normalizeWord(after[i].word))) return after.slice(n);
  }
  return after;
}

/**
 * The final of an utterance whose partials made `stable` stable: `stable` followed by the words of `final`
 * (the final model's) after it. Its `stableDelta` is what it appends to the stable text, so the stable text
 * only ever grows; its times and reason are `final`'s.
 */
export function finalKeepingStablePrefix(final: FinalEvent, stable: readonly StreamWord[], options: StablePrefixOptions = {}): FinalEvent {
  const added = wordsAfterStablePrefix(stable, final.words, options);
  const stableText = joinWords(stable);
  const addedText = joinWords(added);
  const words = [...stable, ...added];
  return {
    ...final,
    text: joinWords(words),
    words,
    stableDelta: stableText && addedText ? ` ${addedText}` : addedText,
  };
}

