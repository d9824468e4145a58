import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { MAX_SMALL_ID, NgramTable } from './ngram-table';

/** The ARPA format's sentence-start, sentence-end and unknown-word tokens. */
export const ARPA_START = '<s>';
export const ARPA_END = '</s>';
export const ARPA_UNKNOWN = '<unk>';

/** An ARPA file held as an n-gram table over symbol ids; log probabilities and back-offs as natural logs. */
export interface ArpaModel {
  order: number;
  table: NgramTable;
  /** Symbol → id (ids 1 … size). */
  symbolIds: ReadonlyMap<string, number>;
  /** What a symbol without a unigram scores: the unknown symbol's unigram if listed, else the rarest unigram's. */
  unknownLogProb: number;
}

/**
 * How a model reads the file's tokens: `symbolOf` maps a token to the model's symbol (and throws on tokens
 * it cannot use); the start and unknown symbols are what `symbolOf` returns for `<s>` and `<unk>`.
 */
export interface ArpaSymbols {
  symbolOf(token: string, where: string): string;
  start: string;
  unknown: string;
}

/** The text of an ARPA file, gunzipped when its name ends in `.gz`. */
export function readArpaText(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/**
 * True when every unigram besides `<s>`, `</s>` and `<unk>` is a single character: a character-level LM
 * (e.g. `scripts/model/build_lm.py`, or KenLM's `lmplz` on space-separated characters) rather than a word LM.
 */
export function isCharacterLevelArpa(text: string): boolean {
  const start = text.indexOf('\\1-grams:');
  if (start < 0) return false;
  const end = text.indexOf('\\', start + 1);
  let seen = false;
  for (const raw of text.slice(start, end < 0 ? undefined : end).split('\n').slice(1)) {
    const token = raw.trim().split(/\s+/)[1];
    if (token === undefined || token === ARPA_START || token === ARPA_END || token === ARPA_UNKNOWN) continue;
    if ([...token].length !== 1) return false;
    seen = true;
  }
  return seen;
}

/** Reads an ARPA file's n-grams into one table (its header's counts size the table; it grows if they are wrong). */
export function parseArpa(text: string, symbols: ArpaSymbols, source = 'ARPA file'): ArpaModel {
  const lines = text.split('\n');
  let order = 0;
  let expected = 0;
  let unigrams = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('ngram ')) {
      const count = /^ngram\s+(\d+)\s*=\s*(\d+)$/.exec(line);
      if (count) {
        expected += Number(count[2]);
        if (count[1] === '1') unigrams = Number(count[2]);
      }
    } else if (line.startsWith('\\')) {
      const header = /^\\(\d+)-grams:$/.exec(line);
      if (header) order = Math.max(order, Number(header[1]));
    }
  }
  const wideIds = unigrams > MAX_SMALL_ID;
  const symbolIds = new Map<string, number>();
  const idOf = (symbol: string, where: string): number => {
    let id = symbolIds.get(symbol);
    if (id === undefined) {
      id = symbolIds.size + 1;
      if (id > MAX_SMALL_ID && !wideIds) throw new Error(`${where}: more than ${MAX_SMALL_ID} distinct symbols (the header's unigram count is wrong)`);
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
    const where = `${source}:${lineNumber}`;
    const fields = line.split(/\s+/);
    if (fields.length < section + 1 || fields.length > section + 2) throw new Error(`${where}: expected ${section} tokens, got "${raw}"`);
    ids.length = 0;
    const first = symbols.symbolOf(fields[1], where);
    ids.push(idOf(first, where));
    for (let i = 2; i <= section; i++) ids.push(idOf(symbols.symbolOf(fields[i], where), where));
    const logProb = Number(fields[0]) * Math.LN10;
    if (!Number.isFinite(logProb)) throw new Error(`${where}: bad log probability "${fields[0]}"`);
    table ??= new NgramTable(order, expected, wideIds);
    const backoff = fields.length === section + 2 ? Number(fields[section + 1]) * Math.LN10 : 0;
    table.set(ids, 0, section, logProb, backoff);
    if (section === 1) {
      if (first === symbols.unknown) unknownUnigram = logProb;
      else if (first !== symbols.start && logProb < lowestUnigram) lowestUnigram = logProb;
    }
  }
  if (!table) throw new Error(`${source}: no n-gram sections (not an ARPA file)`);
  return { order, table, symbolIds, unknownLogProb: unknownUnigram ?? lowestUnigram };
}
