/**
 * LocalAgreement-2 (Macháček et al., "Turning Whisper into Real-Time Transcription System", 2023) as pure
 * functions: a word is committed once two consecutive hypotheses of the growing audio window agree on it.
 *
 * Each step takes the newest hypothesis (words in absolute stream seconds), drops the words already
 * committed (by time, and by an n-gram match against the committed tail, since the window is trimmed at
 * committed word boundaries and the last committed word may be heard again), and commits the longest
 * common prefix with the previous hypothesis. Words are compared normalized (case, punctuation, Unicode
 * compatibility forms); committed words keep the newest hypothesis's spelling and start, and the earlier end.
 * At the end of an utterance `flushAgreement` commits everything still pending.
 */

import type { TokenLogprob } from '../model/recognizer';

/** A word in absolute stream time. */
export interface StreamWord {
  word: string;
  startSec: number;
  endSec: number;
  /** The recognizer's tokens for this word, with log probabilities, when it reported them. */
  tokens?: TokenLogprob[];
}

export interface LocalAgreementState {
  /** Every word committed so far, in order; only ever appended to. */
  readonly committed: readonly StreamWord[];
  /** The previous hypothesis minus what has been committed: what the next one must agree with. */
  readonly pending: readonly StreamWord[];
  /** End of the last committed word, in stream seconds (−Infinity before the first commit). */
  readonly lastCommittedEndSec: number;
}

export interface LocalAgreementOptions {
  /** Words starting this long before the last committed word's end are dropped as already heard. Default 0.1 s. */
  timeToleranceSec?: number;
  /** Longest committed-tail n-gram looked for at the start of a new hypothesis. Default 5 words. */
  maxOverlapWords?: number;
  /** The n-gram check runs only when the hypothesis starts within this of the last commit. Default 1 s. */
  overlapWindowSec?: number;
}

export interface AgreementUpdate {
  state: LocalAgreementState;
  /** Words committed by this step (append them to the stable text). */
  committed: StreamWord[];
  /** The rest of the newest hypothesis: may still change. */
  unstable: StreamWord[];
}

export const INITIAL_AGREEMENT_STATE: LocalAgreementState = Object.freeze({
  committed: Object.freeze([]) as readonly StreamWord[],
  pending: Object.freeze([]) as readonly StreamWord[],
  lastCommittedEndSec: Number.NEGATIVE_INFINITY,
});

/** The form words are compared in: NFKC, lower case, without punctuation or symbols. */
export function normalizeWord(word: string): string {
  return word.normalize('NFKC').toLowerCase().replace(/[\p{P}\p{S}]/gu, '');
}

/** One LocalAgreement-2 step with the newest hypothesis of the uncommitted audio. */
export function agreeOnHypothesis(
  state: LocalAgreementState,
  hypothesis: readonly StreamWord[],
  options: LocalAgreementOptions = {},
): AgreementUpdate {
  const fresh = dropCommitted(state, hypothesis, options);
  let agreed = 0;
  while (
    agreed < fresh.length &&
    agreed < state.pending.length &&
    normalizeWord(fresh[agreed].word) === normalizeWord(state.pending[agreed].word)
  ) {
    agreed++;
  }
  // A word's end only drifts later as more audio is heard (a decoder may emit its last token once the next
  // word is under way), so the earlier end is kept: the next word must not look like the committed one's tail.
  const agreedWords = fresh.slice(0, agreed).map((w, i) => {
    const earlierEndSec = state.pending[i].endSec;
    return earlierEndSec < w.endSec ? { ...w, endSec: Math.max(w.startSec, earlierEndSec) } : w;
  });
  return commit(state, agreedWords, fresh.slice(agreed));
}

/**
 * Ends the utterance: commits `finalHypothesis` (after dropping what was already committed) if given, else
 * whatever is pending. Nothing is left unstable.
 */
export function flushAgreement(
  state: LocalAgreementState,
  finalHypothesis?: readonly StreamWord[],
  options: LocalAgreementOptions = {},
): AgreementUpdate {
  const words = finalHypothesis === undefined ? [...state.pending] : dropCommitted(state, finalHypothesis, options);
  return commit(state, words, []);
}

function commit(state: LocalAgreementState, words: StreamWord[], rest: StreamWord[]): AgreementUpdate {
  const last = words[words.length - 1];
  return {
    state: {
      committed: words.length === 0 ? state.committed : [...state.committed, ...words],
      pending: rest,
      lastCommittedEndSec: last ? last.endSec : state.lastCommittedEndSec,
    },
    committed: words,
    unstable: rest,
  };
}

/** The hypothesis without words before the last commit and without a repeat of the committed tail. */
function dropCommitted(
  state: LocalAgreementState,
  hypothesis: readonly StreamWord[],
  options: LocalAgreementOptions,
): StreamWord[] {
  const toleranceSec = options.timeToleranceSec ?? 0.1;
  const maxOverlapWords = options.maxOverlapWords ?? 5;
  const overlapWindowSec = options.overlapWindowSec ?? 1;
  const words = hypothesis.filter((w) => w.startSec > state.lastCommittedEndSec - toleranceSec);
  if (words.length === 0 || state.committed.length === 0) return words;
  if (Math.abs(words[0].startSec - state.lastCommittedEndSec) >= overlapWindowSec) return words;
  const longest = Math.min(maxOverlapWords, state.committed.length, words.length);
  for (let n = longest; n >= 1; n--) {
    const tail = state.committed.slice(state.committed.length - n);
    if (tail.every((w, i) => normalizeWord(w.word) === normalizeWord(words[i].word))) return words.slice(n);
  }
  return words;
}

/** Words joined by single spaces. */
export function joinWords(words: readonly StreamWord[]): string {
  return words.map((w) => w.word).join(' ');
}
