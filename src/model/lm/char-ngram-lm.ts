import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { WORD_BOUNDARY } from '../tokens';

/** The state of a character LM: the last (order − 1) characters, `SENTENCE_START` first at the beginning. */
export type CharLmContext = string;

const SENTENCE_START = '\u0002';
const SENTENCE_END = '\u0003';
const UNKNOWN = '\u0004';
/** The word boundary inside the LM: ARPA files write it as `▁`. */
export const LM_SPACE = ' ';
const LN10 = Math.LN10;
const CACHE_LIMIT = 200_000;

/**
 * A character n-gram language model read from a standard ARPA file whose tokens are single characters
 * (`▁` is the word boundary, `<s>` / `</s>` the sentence ends), e.g. from `scripts/model/build_lm.py` or
 * KenLM's `lmplz` run on space-separated characters. Scores are natural logs, with the usual back-off.
 */
export class CharNgramLm {
  readonly order: number;
  private readonly logProbs: Map<string, number>;
  private readonly backoffs: Map<string, number>;
  /** Characters the model has never seen score like its rarest one (after the usual back-off). */
  private readonly unknownLogProb: number;
  private readonly cache = new Map<string, number>();

  private constructor(order: number, logProbs: Map<string, number>, backoffs: Map<string, number>) {
    this.order = order;
    this.logProbs = logProbs;
    this.backoffs = backoffs;
    let lowest = 0;
    for (const [gram, lp] of logProbs) if (gram.length === 1 && gram !== SENTENCE_START && lp < lowest) lowest = lp;
    this.unknownLogProb = logProbs.get(UNKNOWN) ?? lowest;
  }

  static load(path: string): CharNgramLm {
    const bytes = readFileSync(path);
    const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
    return CharNgramLm.parse(text, path);
  }

  static parse(text: string, source = 'ARPA file'): CharNgramLm {
    const logProbs = new Map<string, number>();
    const backoffs = new Map<string, number>();
    let order = 0;
    let section = 0;
    let lineNumber = 0;
    for (const raw of text.split('\n')) {
      lineNumber++;
      const line = raw.trim();
      if (!line) continue;
      const header = /^\\(\d+)-grams:$/.exec(line);
      if (header) {
        section = Number(header[1]);
        order = Math.max(order, section);
        continue;
      }
      if (line.startsWith('\\') || section === 0) continue;
      const fields = line.split(/\s+/);
      const grams = fields.slice(1, 1 + section);
      if (grams.length !== section || fields.length > section + 2) throw new Error(`${source}:${lineNumber}: expected ${section} tokens, got "${raw}"`);
      const key = grams.map((g) => symbolOf(g, source, lineNumber)).join('');
      const lp = Number(fields[0]);
      if (!Number.isFinite(lp)) throw new Error(`${source}:${lineNumber}: bad log probability "${fields[0]}"`);
      logProbs.set(key, lp * LN10);
      if (fields.length === section + 2) backoffs.set(key, Number(fields[section + 1]) * LN10);
    }
    if (order === 0) throw new Error(`${source}: no n-gram sections (not an ARPA file)`);
    return new CharNgramLm(order, logProbs, backoffs);
  }

  /** True for characters the model has seen (its unigrams). */
  knows(char: string): boolean {
    return this.logProbs.has(char);
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
    let backoff = 0;
    let result: number | undefined;
    for (let k = Math.min(context.length, this.order - 1); k >= 0 && result === undefined; k--) {
      const history = context.slice(context.length - k);
      const lp = this.logProbs.get(history + char);
      if (lp !== undefined) result = backoff + lp;
      else backoff += this.backoffs.get(history) ?? 0;
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
