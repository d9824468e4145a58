import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { WORD_BOUNDARY } from '../tokens';
import { NgramTable } from './ngram-table';

/** The state of a character LM: the last (order − 1) characters, `SENTENCE_START` first at the beginning. */
export type CharLmContext = string;

const SENTENCE_START = '\u0002';
const SENTENCE_END = '\u0003';
const UNKNOWN = '\u0004';
/** The word boundary inside the LM: ARPA files write it as `▁`. */
export const LM_SPACE = ' ';
const LN10 = Math.LN10;
const CACHE_LIMIT = 200_000;
/** The id of a character the LM has no n-gram with (never stored: ids are 1 … NO_SYMBOL − 1). */
const NO_SYMBOL = 0xffff;

/**
 * A character n-gram language model read from a standard ARPA file whose tokens are single characters
 * (`▁` is the word boundary, `<s>` / `</s>` the sentence ends), e.g. from `scripts/model/build_lm.py` or
 * KenLM's `lmplz` run on space-separated characters. Scores are natural logs, with the usual back-off.
 */
export class CharNgramLm {
  readonly order: number;
  /** Characters the model has never seen score like its rarest one (after the usual back-off). */
  private readonly unknownLogProb: number;
  private readonly cache = new Map<string, number>();
  /** The query being looked up: context ids then the character's id. */
  private readonly query: Uint16Array;

  private constructor(
    private readonly table: NgramTable,
    private readonly symbolIds: ReadonlyMap<string, number>,
    unknownLogProb: number,
  ) {
    this.order = table.order;
    this.unknownLogProb = unknownLogProb;
    this.query = new Uint16Array(table.order);
  }

  static load(path: string): CharNgramLm {
    const bytes = readFileSync(path);
    const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
    return CharNgramLm.parse(text, path);
  }

  static parse(text: string, source = 'ARPA file'): CharNgramLm {
    const lines = text.split('\n');
    // The order is the highest section; the header's counts size the table once (it grows if they are wrong).
    let order = 0;
    let expected = 0;
    for (const raw of lines) {
      const line = raw.trim();
      if (line.startsWith('ngram ')) {
        const count = /^ngram\s+\d+\s*=\s*(\d+)$/.exec(line);
        if (count) expected += Number(count[1]);
      } else if (line.startsWith('\\')) {
        const header = /^\\(\d+)-grams:$/.exec(line);
        if (header) order = Math.max(order, Number(header[1]));
      }
    }
    const symbolIds = new Map<string, number>();
    const idOf = (symbol: string): number => {
      let id = symbolIds.get(symbol);
      if (id === undefined) {
        id = symbolIds.size + 1;
        if (id >= NO_SYMBOL) throw new Error(`${source}: more than ${NO_SYMBOL - 1} distinct characters`);
        symbolIds.set(symbol, id);
      }
      return id;
    };
    let table: NgramTable | undefined;
    let lowestUnigram = 0;
    let unknownUnigram: number | undefined;
    let section = 0;
    let lineNumber = 0;
    const ids: number[] = [];
    for (const raw of lines) {
      lineNumber++;
      const line = raw.trim();
      if (!line) continue;
      const header = /^\\(\d+)-grams:$/.exec(line);
      if (header) {
        section = Number(header[1]);
        continue;
      }
      if (line.startsWith('\\') || section === 0) continue;
      const fields = line.split(/\s+/);
      if (fields.length < section + 1 || fields.length > section + 2) throw new Error(`${source}:${lineNumber}: expected ${section} tokens, got "${raw}"`);
      ids.length = 0;
      const first = symbolOf(fields[1], source, lineNumber);
      ids.push(idOf(first));
      for (let i = 2; i <= section; i++) ids.push(idOf(symbolOf(fields[i], source, lineNumber)));
      const lp = Number(fields[0]);
      if (!Number.isFinite(lp)) throw new Error(`${source}:${lineNumber}: bad log probability "${fields[0]}"`);
      table ??= new NgramTable(order, expected);
      const backoff = fields.length === section + 2 ? Number(fields[section + 1]) * LN10 : 0;
      table.set(ids, 0, section, lp * LN10, backoff);
      if (section === 1) {
        if (first === UNKNOWN) unknownUnigram = lp * LN10;
        else if (first !== SENTENCE_START && lp * LN10 < lowestUnigram) lowestUnigram = lp * LN10;
      }
    }
    if (!table) throw new Error(`${source}: no n-gram sections (not an ARPA file)`);
    return new CharNgramLm(table, symbolIds, unknownUnigram ?? lowestUnigram);
  }

  /** True for characters the model has seen (its unigrams). */
  knows(char: string): boolean {
    this.query[0] = this.idOf(char);
    return this.table.find(this.query, 0, 1) >= 0;
  }

  /** The context at the start of a sentence. */
  get start(): CharLmContext {
    return SENTENCE_START;
  }

  /** log P(char | context), natural log; `char` is one character (`LM_SPACE` for a word boundary). */
  logProb(context: CharLmContext, char: string): number {
    const key = context + char;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    // query = the last (order − 1) context characters, then the character.
    const { query, table } = this;
    const historyLength = Math.min(context.length, this.order - 1);
    for (let i = 0; i < historyLength; i++) query[i] = this.idOf(context[context.length - historyLength + i]);
    query[historyLength] = this.idOf(char);
    let backoff = 0;
    let result: number | undefined;
    for (let k = historyLength; k >= 0; k--) {
      const slot = table.find(query, historyLength - k, k + 1);
      if (slot >= 0) {
        result = backoff + table.logProbAt(slot);
        break;
      }
      const history = k > 0 ? table.find(query, historyLength - k, k) : -1;
      if (history >= 0) backoff += table.backoffAt(history);
    }
    result ??= backoff + this.unknownLogProb;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, result);
    return result;
  }

  /** log P(end of sentence | context). */
  endLogProb(context: CharLmContext): number {
    return this.logProb(context, SENTENCE_END);
  }

  /** The context after `char`. */
  advance(context: CharLmContext, char: string): CharLmContext {
    const next = context + char;
    return next.length < this.order ? next : next.slice(next.length - (this.order - 1));
  }

  private idOf(char: string): number {
    return this.symbolIds.get(char) ?? NO_SYMBOL;
  }
}

function symbolOf(token: string, source: string, lineNumber: number): string {
  if (token === '<s>') return SENTENCE_START;
  if (token === '</s>') return SENTENCE_END;
  if (token === '<unk>') return UNKNOWN;
  if (token === WORD_BOUNDARY) return LM_SPACE;
  const chars = [...token.toLowerCase()];
  if (chars.length !== 1) throw new Error(`${source}:${lineNumber}: "${token}" is not a single character (a character-level LM is expected)`);
  return chars[0];
}
