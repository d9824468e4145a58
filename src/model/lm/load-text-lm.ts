import { isCharacterLevelArpa, readArpaText } from './arpa-reader';
import { CharNgramLm } from './char-ngram-lm';
import type { TextLm } from './text-lm';
import { WordNgramLm } from './word-ngram-lm';

/**
 * Loads an ARPA file (optionally gzipped) as a character LM when its unigrams are single characters, else as
 * a word LM scored with lexicon look-ahead.
 */
export function loadTextLm(path: string): TextLm {
  const text = readArpaText(path);
  return isCharacterLevelArpa(text) ? CharNgramLm.parse(text, path) : WordNgramLm.parse(text, path);
}
