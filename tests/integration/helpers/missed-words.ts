import { normalizeText } from './audio';

/**
 * The words of a script that a transcription does not contain (normalised, each once): what a model misheard.
 * Hotword tests measure a prompt by how many of these it wins back, so they hold for any embedded model that
 * mishears at least one word of the clip, not only for the model whose mistakes were written down.
 */
export function missedWords(script: string, heard: string): string[] {
  const got = new Set(normalizeText(heard).split(' '));
  return [...new Set(normalizeText(script).split(' '))].filter((w) => w && !got.has(w));
}
