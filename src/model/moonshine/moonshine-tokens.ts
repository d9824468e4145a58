import { readFileSync } from 'node:fs';
import { TokenTable } from '../tokens';

/** Moonshine's fixed ids (its Llama-style tokenizer; sherpa-onnx hard-codes them too). */
export const MOONSHINE_UNK_ID = 0;
export const MOONSHINE_START_ID = 1;
export const MOONSHINE_END_ID = 2;
/** Byte-fallback tokens `<0x00>`..`<0xFF>` sit at ids 3..258. */
const FIRST_BYTE_ID = 3;

/**
 * A Moonshine vocabulary as sherpa-onnx reads it (symbol-table.cc), so that our text is sherpa's text:
 * - a line is `symbol id`, split at whitespace (the published v1 file uses a tab); a line with a single
 *   field is the id of the symbol " ";
 * - v2 folders (`tokens.txt` from scripts/moonshine/v2/generate_tokens.py) hold every symbol's bytes
 *   base64-encoded; a symbol whose bytes are not UTF-8 by themselves is part of a character;
 * - a byte-fallback token `<0xHH>` at id 3 + 0xHH stands for that byte. Printable ASCII bytes become their
 *   character here; other bytes, like v2's partial characters, are joined by {@link joinByteTokens}.
 * Moonshine has no blank: the end token `</s>` stands in (it never reaches the text).
 */
export class MoonshineTokenTable extends TokenTable {
  /** Symbols added at run time for multi-byte characters spelled as byte tokens (ids after the vocabulary). */
  private readonly extra = new Map<string, number>();
  private readonly all: string[];
  /** The bytes of tokens that are only part of a character (byte-fallback tokens, v2's partial symbols). */
  private readonly partial: Map<number, Uint8Array>;
  /** The vocabulary's size as the model sees it (logits width); symbols added at run time come after it. */
  readonly vocabSize: number;

  private constructor(symbols: string[], partial: Map<number, Uint8Array>) {
    super(symbols, MOONSHINE_END_ID);
    this.all = symbols;
    this.partial = partial;
    this.vocabSize = symbols.length;
  }

  /** The vocabulary's size (not counting the characters added at run time). */
  override get size(): number {
    return this.vocabSize;
  }

  static fromText(text: string, options: { base64: boolean }, source = 'tokens.txt'): MoonshineTokenTable {
    const symbols: string[] = [];
    const partial = new Map<number, Uint8Array>();
    for (const [lineIndex, raw] of text.split(/\r?\n/).entries()) {
      const fields = raw.trim().split(/\s+/);
      if (fields[0] === '') continue;
      const [symbol, idText] = fields.length === 1 ? [' ', fields[0]] : fields;
      const id = Number(idText);
      if (fields.length > 2 || !Number.isInteger(id) || id < 0) throw new Error(`${source}:${lineIndex + 1}: expected "symbol id", got "${raw}"`);
      if (!options.base64) {
        symbols[id] = symbol;
        continue;
      }
      const bytes = Buffer.from(symbol, 'base64');
      const text = utf8(bytes);
      symbols[id] = text ?? `<0x${bytes.toString('hex').toUpperCase()}>`;
      if (text === undefined) partial.set(id, bytes);
    }
    for (let i = 0; i < symbols.length; i++) if (symbols[i] === undefined) throw new Error(`${source}: id ${i} is missing`);
    if (symbols.length <= MOONSHINE_END_ID) throw new Error(`${source}: Moonshine needs <unk> 0, <s> 1 and </s> 2`);
    for (let id = FIRST_BYTE_ID; id < Math.min(symbols.length, FIRST_BYTE_ID + 256); id++) {
      const byte = byteOf(symbols[id], id);
      if (byte === undefined) continue;
      if (byte >= 0x20 && byte < 0x7f) symbols[id] = String.fromCharCode(byte);
      else partial.set(id, Uint8Array.of(byte));
    }
    return new MoonshineTokenTable(symbols, partial);
  }

  static fromFile(path: string, options: { base64: boolean }): MoonshineTokenTable {
    return MoonshineTokenTable.fromText(readFileSync(path, 'utf8'), options, path);
  }

  /** The bytes of a token that is only part of a character (a byte-fallback token), or undefined. */
  bytesOf(id: number): Uint8Array | undefined {
    return this.partial.get(id);
  }

  /** The id of `text` as one symbol: a vocabulary id, or a new one past the vocabulary. */
  idOf(text: string): number {
    let id = this.extra.get(text);
    if (id === undefined) {
      id = this.all.length;
      this.all.push(text);
      this.extra.set(text, id);
    }
    return id;
  }
}

/** `bytes` as text when they are valid UTF-8 by themselves. */
function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function byteOf(symbol: string, id: number): number | undefined {
  const match = /^<0x([0-9A-F]{2})>$/.exec(symbol);
  if (!match) return undefined;
  const byte = parseInt(match[1], 16);
  return id === FIRST_BYTE_ID + byte ? byte : undefined;
}

/**
 * Joins runs of partial tokens (byte-fallback tokens) into the characters they spell (UTF-8), each run as one
 * token with the run's lowest log-probability; bytes that do not form valid UTF-8 are dropped (sherpa-onnx
 * would emit them raw). Other tokens pass unchanged.
 */
export function joinByteTokens(ids: readonly number[], logProbs: readonly number[], table: MoonshineTokenTable): { ids: number[]; logProbs: number[] } {
  const out = { ids: [] as number[], logProbs: [] as number[] };
  for (let i = 0; i < ids.length; ) {
    if (table.bytesOf(ids[i]) === undefined) {
      out.ids.push(ids[i]);
      out.logProbs.push(logProbs[i]);
      i++;
      continue;
    }
    let j = i;
    const bytes: number[] = [];
    while (j < ids.length && table.bytesOf(ids[j]) !== undefined) bytes.push(...table.bytesOf(ids[j++])!);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes)).replace(/\uFFFD/g, '');
    if (text) {
      out.ids.push(table.idOf(text));
      out.logProbs.push(Math.min(...logProbs.slice(i, j)));
    }
    i = j;
  }
  return out;
}
