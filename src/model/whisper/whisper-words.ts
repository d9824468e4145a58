import type { RecognizedWord, TokenLogprob } from '../recognizer';

/**
 * Words of Whisper's text pieces: a piece that starts with white space starts a word, others continue it
 * (punctuation stays on its word, as in Whisper's own text). Whisper decoded with <|notimestamps|> gives no
 * token times, so word times are estimates: the span `startSec`..`endSec` the text was recognized in, shared
 * among the words in proportion to their length in characters (the first starts at `startSec`, the last ends
 * at `endSec`). Live partials agree on words by these estimates.
 */
export function whisperWords(pieces: readonly TokenLogprob[], startSec: number, endSec: number): RecognizedWord[] {
  const words: RecognizedWord[] = [];
  let current: RecognizedWord | null = null;
  for (const piece of pieces) {
    const parts = piece.token.split(/(\s+)/).filter((p) => p !== '');
    parts.forEach((part, i) => {
      if (/^\s+$/.test(part)) {
        current = null;
        return;
      }
      if (!current) {
        current = { word: part, startSec, endSec, tokens: [] };
        words.push(current);
      } else {
        current.word += part;
      }
      // The piece belongs to the word it starts (or continues) in.
      if (i === 0 || (i === 1 && /^\s+$/.test(parts[0]))) current.tokens!.push(piece);
    });
  }
  const totalChars = words.reduce((n, w) => n + [...w.word].length, 0);
  let chars = 0;
  for (const w of words) {
    w.startSec = startSec + ((endSec - startSec) * chars) / totalChars;
    chars += [...w.word].length;
    w.endSec = chars === totalChars ? endSec : startSec + ((endSec - startSec) * chars) / totalChars;
  }
  return words;
}
