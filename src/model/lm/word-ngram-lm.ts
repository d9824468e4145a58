import { ARPA_END, ARPA_START, ARPA_UNKNOWN, parseArpa, readArpaText, type ArpaSymbols } from './arpa-reader';
import type { NgramTable } from './ngram-table';
import { LM_SPACE, type LmContext, type TextLm } from './text-lm';

/** Separates the word history (ids) from the word being spelled in a context string. */
const PARTIAL_MARK = '\u0001';
/** The id of a word the LM has no n-gram with (never stored). */
const NO_WORD = 0xffffffff;
const CACHE_LIMIT = 200_000;

/**
 * A word n-gram language model (a standard ARPA file over words, e.g. KenLM's `lmplz` or
 * `scripts/model/build_lm.py --unit word`), scored one character at a time for beam search with lexicon
 * look-ahead ("LM smearing", as flashlight's lexicon decoder does): while a word is being spelled it holds the
 * best unigram log probability of the vocabulary words it can still become (each character adds the change);
 * the word boundary swaps that estimate for the word's real n-gram probability given the words before it.
 * A spelling that leaves the vocabulary is scored as an unknown word (`<unk>`, else the rarest unigram) at
 * once, so misspellings fall behind in the beam early, while a real out-of-vocabulary word can still win on
 * acoustic evidence. Words are lowercased.
 *
 * Context: the last (order − 1) word ids, then the partial word.
 */
export class WordNgramLm implements TextLm {
  readonly order: number;
  readonly unit = 'word';
  /** Every prefix of a vocabulary word (the words themselves included) → the best unigram log prob below it. */
  private readonly lookahead = new Map<string, number>();
  private readonly alphabet = new Set<string>();
  private readonly query: Uint32Array;
  private readonly cache = new Map<string, number>();
  readonly start: LmContext;

  private constructor(
    private readonly table: NgramTable,
    private readonly wordIds: ReadonlyMap<string, number>,
    private readonly unknownLogProb: number,
  ) {
    this.order = table.order;
    this.query = new Uint32Array(table.order);
    this.start = `${this.idOf(ARPA_START)}${PARTIAL_MARK}`;
    const probe = new Uint32Array(1);
    for (const [word, id] of wordIds) {
      if (word === ARPA_START || word === ARPA_END || word === ARPA_UNKNOWN) continue;
      probe[0] = id;
      const slot = table.find(probe, 0, 1);
      if (slot < 0) continue;
      const logProb = table.logProbAt(slot);
      for (const char of word) this.alphabet.add(char);
      for (let end = 1; end <= word.length; end++) {
        const prefix = word.slice(0, end);
        const best = this.lookahead.get(prefix);
        if (best === undefined || logProb > best) this.lookahead.set(prefix, logProb);
      }
    }
  }

  static load(path: string): WordNgramLm {
    return WordNgramLm.parse(readArpaText(path), path);
  }

  static parse(text: string, source = 'ARPA file'): WordNgramLm {
    const { table, symbolIds, unknownLogProb } = parseArpa(text, WORD_SYMBOLS, source);
    return new WordNgramLm(table, symbolIds, unknownLogProb);
  }

  /** Number of distinct words (with `<s>`, `</s>`, `<unk>` when listed). */
  get vocabularySize(): number {
    return this.wordIds.size;
  }

  knows(char: string): boolean {
    return this.alphabet.has(char);
  }

  logProb(context: LmContext, char: string): number {
    const key = context + char;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const split = context.lastIndexOf(PARTIAL_MARK);
    const partial = context.slice(split + 1);
    let result: number;
    if (char === LM_SPACE) {
      result = partial ? this.wordLogProb(context.slice(0, split), partial) - this.estimate(partial) : 0;
    } else {
      result = this.estimate(partial + char) - (partial ? this.estimate(partial) : 0);
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, result);
    return result;
  }

  endLogProb(context: LmContext): number {
    const split = context.lastIndexOf(PARTIAL_MARK);
    const partial = context.slice(split + 1);
    if (!partial) return this.wordLogProb(context.slice(0, split), ARPA_END);
    const finished = this.advance(context, LM_SPACE);
    return this.logProb(context, LM_SPACE) + this.wordLogProb(finished.slice(0, finished.lastIndexOf(PARTIAL_MARK)), ARPA_END);
  }

  leavesVocabulary(context: LmContext, char: string): boolean {
    const partial = context.slice(context.lastIndexOf(PARTIAL_MARK) + 1);
    if (partial && !this.lookahead.has(partial)) return false; // it left already
    return char === LM_SPACE ? partial !== '' && !this.wordIds.has(partial) : !this.lookahead.has(partial + char);
  }

  advance(context: LmContext, char: string): LmContext {
    if (char !== LM_SPACE) return context + char;
    const split = context.lastIndexOf(PARTIAL_MARK);
    const partial = context.slice(split + 1);
    if (!partial) return context;
    const history = context.slice(0, split);
    const ids = history ? history.split(',') : [];
    ids.push(String(this.idOf(partial)));
    return ids.slice(Math.max(0, ids.length - (this.order - 1))).join(',') + PARTIAL_MARK;
  }

  /** What a partial word scores so far: the best unigram it can still become, or an unknown word's. */
  private estimate(partial: string): number {
    return this.lookahead.get(partial) ?? this.unknownLogProb;
  }

  /** log P(word | history), history = comma-separated word ids (at most order − 1). */
  private wordLogProb(history: string, word: string): number {
    const ids = history ? history.split(',') : [];
    const historyLength = Math.min(ids.length, this.order - 1);
    const { query } = this;
    for (let i = 0; i < historyLength; i++) query[i] = Number(ids[ids.length - historyLength + i]);
    query[historyLength] = this.idOf(word);
    return this.table.backedOffLogProb(query, historyLength, this.unknownLogProb);
  }

  /** The word's id; unknown words map to `<unk>` when the LM lists it (else to an id no n-gram has). */
  private idOf(word: string): number {
    return this.wordIds.get(word) ?? this.wordIds.get(ARPA_UNKNOWN) ?? NO_WORD;
  }
}

/** The file's tokens as words: `<s>` / `</s>` / `<unk>` kept, the rest lowercased. */
const WORD_SYMBOLS: ArpaSymbols = {
  start: ARPA_START,
  unknown: ARPA_UNKNOWN,
  symbolOf: (token: string): string => (token === ARPA_START || token === ARPA_END || token === ARPA_UNKNOWN ? token : token.toLowerCase()),
};
