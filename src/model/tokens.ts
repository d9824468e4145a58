import { readFileSync } from 'node:fs';

/** The word-boundary marker of SentencePiece/BPE vocabularies (U+2581), rendered as a space. */
export const WORD_BOUNDARY = '\u2581';

/** A model's symbol table (tokens.txt: `symbol id` per line), as sherpa-onnx reads it. */
export class TokenTable {
  readonly symbols: readonly string[];
  readonly blankId: number;

  constructor(symbols: string[], blankId: number) {
    this.symbols = symbols;
    this.blankId = blankId;
  }

  get size(): number {
    return this.symbols.length;
  }

  static parse(text: string, source = 'tokens.txt'): TokenTable {
    const symbols: string[] = [];
    for (const [lineIndex, raw] of text.split(/\r?\n/).entries()) {
      const line = raw.trimEnd();
      if (!line) continue;
      // The symbol may itself be a space-like token; the id is always the last field.
      const cut = line.lastIndexOf(' ');
      const id = Number(line.slice(cut + 1));
      if (cut < 0 || !Number.isInteger(id) || id < 0) throw new Error(`${source}:${lineIndex + 1}: expected "symbol id", got "${raw}"`);
      symbols[id] = line.slice(0, cut);
    }
    for (let i = 0; i < symbols.length; i++) if (symbols[i] === undefined) throw new Error(`${source}: id ${i} is missing`);
    const blank = ['<blk>', '<blank>', '<eps>'].map((s) => symbols.indexOf(s)).find((i) => i >= 0);
    if (blank === undefined) throw new Error(`${source}: no blank symbol (<blk>, <blank> or <eps>)`);
    return new TokenTable(symbols, blank);
  }

  static load(path: string): TokenTable {
    return TokenTable.parse(readFileSync(path, 'utf8'), path);
  }

  private spelled: readonly string[] | undefined;

  /** What each token prints: its symbol with `▁` as a space; '' for special tokens. */
  get spellings(): readonly string[] {
    this.spelled ??= this.symbols.map((symbol, id) => (this.isSpecial(id) ? '' : symbol.replaceAll(WORD_BOUNDARY, ' ')));
    return this.spelled;
  }

  private pieces: boolean | undefined;

  /** True when some token prints more than one character (word pieces rather than letters). */
  get hasWordPieces(): boolean {
    this.pieces ??= this.spellings.some((s) => [...s].length > 1);
    return this.pieces;
  }

  /** True for ids that produce no text (blank, <unk>, <sos/eos>, ...). */
  isSpecial(id: number): boolean {
    const s = this.symbols[id];
    return id === this.blankId || (s.startsWith('<') && s.endsWith('>') && s.length > 2);
  }
}
