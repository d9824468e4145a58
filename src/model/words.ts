import type { RecognizedWord, TokenLogprob } from './recognizer';
import type { DecodedToken } from './decoded-token';
import { TokenTable, WORD_BOUNDARY } from './tokens';

/**
 * A pause at least this long inside a "word" splits it: models trained on connected speech may not emit a
 * word boundary across a long silence (a character CTC model decoding "fox <1 s pause> testing" as
 * "foxtesting"). Well above any pause between the letters of one spoken word.
 */
export const WORD_SPLIT_PAUSE_SEC = 0.6;

/**
 * Joins decoded tokens into text and timed words. A token starting with the word-boundary marker (▁) or a
 * plain space starts a new word, and so does a token after a pause of `WORD_SPLIT_PAUSE_SEC`; times are
 * encoder frames × `frameSec` (10 ms feature shift × subsampling).
 */
export function tokensToWords(
  tokens: readonly DecodedToken[],
  table: TokenTable,
  frameSec: number,
): { text: string; words: RecognizedWord[]; tokens: TokenLogprob[] } {
  const words: RecognizedWord[] = [];
  const pieces: TokenLogprob[] = [];
  let current = '';
  let currentTokens: TokenLogprob[] = [];
  let startFrame = 0;
  let endFrame = 0;
  const flush = () => {
    if (current) words.push({ word: current, startSec: startFrame * frameSec, endSec: endFrame * frameSec, tokens: currentTokens });
    current = '';
    currentTokens = [];
  };
  for (const token of tokens) {
    if (table.isSpecial(token.id)) continue;
    let symbol = table.symbols[token.id];
    const piece = { token: symbol.split(WORD_BOUNDARY).join(' '), logprob: token.logProb };
    pieces.push(piece);
    if (symbol.startsWith(WORD_BOUNDARY) || symbol.startsWith(' ')) {
      flush();
      symbol = symbol.slice(symbol.startsWith(' ') ? 1 : WORD_BOUNDARY.length);
    } else if (current && (token.startFrame - endFrame) * frameSec >= WORD_SPLIT_PAUSE_SEC) {
      flush();
      piece.token = ` ${piece.token}`;
    }
    currentTokens.push(piece);
    // Pieces may carry inner boundaries (rare); split on them too.
    const parts = symbol.split(WORD_BOUNDARY);
    parts.forEach((part, i) => {
      if (i > 0) flush();
      if (!part) return;
      if (!current) startFrame = token.startFrame;
      current += part;
      endFrame = token.endFrame;
    });
  }
  flush();
  return { text: words.map((w) => w.word).join(' '), words, tokens: pieces };
}
