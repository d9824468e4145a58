import { WORD_BOUNDARY } from '../tokens';
import { ARPA_END, ARPA_START, ARPA_UNKNOWN, parseArpa, readArpaText, type ArpaSymbols } from './arpa-reader';
import type { NgramTable } from './ngram-table';
import { LM_SPACE, type LmContext, type TextLm } from './text-lm';


const SENTENCE_START = '\u0002';
const SENTENCE_END = '\u0003';
const UNKNOWN = '\u0004';
const CACHE_LIMIT = 200_000;
/** The id of a character the LM has no n-gram with (never stored: ids are 1 … NO_SYMBOL − 1). */
const NO_SYMBOL = 0xffff;

/**
 * A character n-gram language model read from a standard ARPA file whose tokens are single characters
 * (`▁` is the word boundary, `<s>` / `</s>` the sentence ends), e.g. from `scripts/model/build_lm.py` or
 * KenLM's `lmplz` run on space-separated characters. Scores are natural logs, with the usual back-off. Its
 * context is the last (order − 1) characters, a sentence-start mark first at the beginning.
 */
export class CharNgramLm implements TextLm {
  readonly order: number;
  readonly unit = 'character';
  private readonly cache = new Map<string, number>();
  /** The query being looked up: context ids then the character's id. */
  private readonly query: Uint16Array;

  private constructor(
    private readonly table: NgramTable,
    private readonly symbolIds: ReadonlyMap<string, number>,
    /** Characters the model has never seen score like its rarest one (after the usual back-off). */
    private readonly unknownLogProb: number,
  ) {
    this.order = table.order;
    this.query = new Uint16Array(table.order);
  }

  static load(path: string): CharNgramLm {
    return CharNgramLm.parse(readArpaText(path), path);
  }

  static parse(text: string, source = 'ARPA file'): CharNgramLm {
    const { table, symbolIds, unknownLogProb } = parseArpa(text, CHARACTER_SYMBOLS, source);
    return new CharNgramLm(table, symbolIds, unknownLogProb);
  }

  /** True for characters the model has seen (its unigrams). */
  knows(char: string): boolean {
    this.query[0] = this.idOf(char);
    return this.table.find(this.query, 0, 1) >= 0;
  }

  /** The context at the start of a sentence. */
  get start(): LmContext {
    return SENTENCE_START;
  }

  /** log P(char | context), natural log; `char` is one character (`LM_SPACE` for a word boundary). */
  logProb(context: LmContext, char: string): number {
    const key = context + char;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    // query = the last (order − 1) context characters, then the character.
    const { query } = this;
    const historyLength = Math.min(context.length, this.order - 1);
    for (let i = 0; i < historyLength; i++) query[i] = this.idOf(context[context.length - historyLength + i]);
    query[historyLength] = this.idOf(char);
    const result = this.table.backedOffLogProb(query, historyLength, this.unknownLogProb);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, result);
    return result;
  }

  /** log P(end of sentence | context). */
  endLogProb(context: LmContext): number {
    return this.logProb(context, SENTENCE_END);
  }

  /** The context after `char`. */
  advance(context: LmContext, char: string): LmContext {
    const next = context + char;
    return next.length < this.order ? next : next.slice(next.length - (this.order - 1));
  }

  private idOf(char: string): number {
    return this.symbolIds.get(char) ?? NO_SYMBOL;
  }
}

/** The file's tokens as the model's characters: `<s>` / `</s>` / `<unk>` and `▁` mapped, the rest lowercased. */
const CHARACTER_SYMBOLS: ArpaSymbols = {
  start: SENTENCE_START,
  unknown: UNKNOWN,
  symbolOf(token: string, where: string): string {
    if (token === ARPA_START) return SENTENCE_START;
    if (token === ARPA_END) return SENTENCE_END;
    if (token === ARPA_UNKNOWN) return UNKNOWN;
    if (token === WORD_BOUNDARY) return LM_SPACE;
    const chars = [...token.toLowerCase()];
    if (chars.length !== 1) throw new Error(`${where}: "${token}" is not a single character (a character-level LM is expected)`);
    return chars[0];
  },
};
