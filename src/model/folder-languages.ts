import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `languages.txt` in a model folder: the ISO-639-1 codes the model transcribes (whitespace or comma
 * separated), for models whose files do not say (a multilingual NeMo transducer such as Parakeet TDT v3).
 * `models pull` writes it from the catalog; by hand, `echo "de en fr" > models/<id>/languages.txt`.
 */
export const LANGUAGES_FILE = 'languages.txt';

/** The codes the folder's `languages.txt` lists (lower case, deduplicated), or undefined without one (or an empty one). */
export function readFolderLanguages(dir: string, files: readonly string[]): string[] | undefined {
  if (!files.includes(LANGUAGES_FILE)) return undefined;
  const codes = parseLanguages(readFileSync(path.join(dir, LANGUAGES_FILE), 'utf8'));
  return codes.length > 0 ? codes : undefined;
}

/** `"de, EN\nfr"` → `['de', 'en', 'fr']`; anything that is not a 2–3 letter code is ignored. */
export function parseLanguages(text: string): string[] {
  const codes = text
    .split(/[\s,]+/)
    .map((c) => c.trim().toLowerCase())
    .filter((c) => /^[a-z]{2,3}$/.test(c));
  return [...new Set(codes)];
}

/** The file's text for `codes` (one per line). */
export function languagesFileText(codes: readonly string[]): string {
  return `${codes.join('\n')}\n`;
}
