import { readFileSync } from 'node:fs';
import type { TokenLogprob } from '../recognizer';

/**
 * Whisper's token table as sherpa-onnx reads it (`*-tokens.txt`: `base64 id` a line, Whisper's regular BPE
 * tokens only, copied from its tiktoken file; sherpa's SymbolTable::ApplyBase64Decode). A token is bytes, not
 * text: one UTF-8 character may be split over several tokens, so text is made by joining the bytes first.
 * Special tokens (eot, sot, languages, tasks, timestamps) are not in the file and produce no text. Bytes that
 * do not form valid UTF-8 are dropped, as sherpa-onnx's RemoveInvalidUtf8Sequences drops them (sherpa applies it
 * to each token on its own, which also drops a character split over tokens; joining first keeps it).
 */
export class WhisperTokenTable {
  private constructor(private readonly bytes: ReadonlyMap<number, Uint8Array>) {}

  /** Number of regular tokens (those with text). */
  get size(): number {
    return this.bytes.size;
  }

  static parse(text: string, source = 'tokens.txt'): WhisperTokenTable {
    const bytes = new Map<number, Uint8Array>();
    for (const [lineIndex, raw] of text.split(/\r?\n/).entries()) {
      const line = raw.trim();
      if (!line) continue;
      const [symbol, idText, ...rest] = line.split(/\s+/);
      const id = Number(idText);
      if (rest.length > 0 || !Number.isInteger(id) || id < 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(symbol)) {
        throw new Error(`${source}:${lineIndex + 1}: expected "base64 id", got "${raw}"`);
      }
      bytes.set(id, new Uint8Array(Buffer.from(symbol, 'base64')));
    }
    return new WhisperTokenTable(bytes);
  }

  static load(file: string): WhisperTokenTable {
    return WhisperTokenTable.parse(readFileSync(file, 'utf8'), file);
  }

  /** Whether `id` is a regular token (has bytes); sherpa skips the others when it makes the text. */
  has(id: number): boolean {
    return this.bytes.has(id);
  }

  /** The text of `ids`: their bytes joined, then decoded as UTF-8 (ids without bytes are skipped). */
  text(ids: readonly number[]): string {
    return utf8.decode(validUtf8(Buffer.concat(ids.filter((id) => this.bytes.has(id)).map((id) => this.bytes.get(id)!))));
  }

  /**
   * The tokens as text pieces with log probabilities: consecutive tokens that split one UTF-8 character are
   * merged into one piece (their log probabilities summed), so every piece is whole text and the pieces
   * concatenate to `text(ids)`.
   */
  pieces(ids: readonly number[], logProbs: readonly number[]): TokenLogprob[] {
    const out: TokenLogprob[] = [];
    let pending: Uint8Array[] = [];
    let pendingLogprob = 0;
    ids.forEach((id, i) => {
      const b = this.bytes.get(id);
      if (!b) return;
      pending.push(b);
      pendingLogprob += logProbs[i] ?? 0;
      const joined = Buffer.concat(pending);
      if (incompleteTail(joined)) return;
      const token = utf8.decode(validUtf8(joined));
      if (token) out.push({ token, logprob: pendingLogprob });
      pending = [];
      pendingLogprob = 0;
    });
    const rest = utf8.decode(validUtf8(Buffer.concat(pending)));
    if (rest) out.push({ token: rest, logprob: pendingLogprob });
    return out;
  }
}

const utf8 = new TextDecoder('utf-8');

/** Whether `bytes` ends inside a UTF-8 sequence (a lead byte whose continuation bytes are still to come). */
function incompleteTail(bytes: Uint8Array): boolean {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const b = bytes[bytes.length - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back;
  }
  return false;
}

/** Length of the valid UTF-8 sequence at `i`, or 0 (the table of RFC 3629: no overlong forms, no surrogates). */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  const inRange = (k: number, lo: number, hi: number) => i + k < b.length && b[i + k] >= lo && b[i + k] <= hi;
  if (c <= 0x7f) return 1;
  if (c >= 0xc2 && c <= 0xdf) return inRange(1, 0x80, 0xbf) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const [lo, hi] = c === 0xe0 ? [0xa0, 0xbf] : c === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return inRange(1, lo, hi) && inRange(2, 0x80, 0xbf) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const [lo, hi] = c === 0xf0 ? [0x90, 0xbf] : c === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return inRange(1, lo, hi) && inRange(2, 0x80, 0xbf) && inRange(3, 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}

/** `bytes` without the bytes that are not part of a valid UTF-8 sequence. */
export function validUtf8(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceLength(bytes, i);
    if (n === 0) {
      i++;
      continue;
    }
    for (let k = 0; k < n; k++) out.push(bytes[i + k]);
    i += n;
  }
  return Uint8Array.from(out);
}
