import { readFileSync } from 'node:fs';
import type { TokenLogprob } from '../recognizer';

/**
 * Whisper's token table as sherpa-onnx reads it (`*-tokens.txt`: `base64 id` a line, Whisper's regular BPE
 * tokens only, copied from its tiktoken file; sherpa's SymbolTable::ApplyBase64Decode). A token is bytes, not
 * text: one UTF-8 character may be split over several tokens, so text is made by joining the bytes first.
 * Special tokens (eot, sot, languages, tasks, timestamps) are not in the file and produce no text.
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
    return utf8.decode(Buffer.concat(ids.filter((id) => this.bytes.has(id)).map((id) => this.bytes.get(id)!)));
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
      out.push({ token: utf8.decode(joined), logprob: pendingLogprob });
      pending = [];
      pendingLogprob = 0;
    });
    if (pending.length > 0) out.push({ token: utf8.decode(Buffer.concat(pending)), logprob: pendingLogprob });
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
