import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { languagesFileText, LANGUAGES_FILE, parseLanguages, readFolderLanguages } from './folder-languages';

describe('languages.txt', () => {
  test('codes separated by spaces, commas or lines; case folded, duplicates and junk dropped', () => {
    expect(parseLanguages('de, EN\nfr  fr\n# x\nno-such-code')).toEqual(['de', 'en', 'fr']);
    expect(parseLanguages('')).toEqual([]);
    expect(parseLanguages(languagesFileText(['bg', 'hr']))).toEqual(['bg', 'hr']);
  });

  test('read from a folder only when it has the file and the file lists a code', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'langs-'));
    try {
      expect(readFolderLanguages(dir, [])).toBeUndefined();
      writeFileSync(path.join(dir, LANGUAGES_FILE), '\n');
      expect(readFolderLanguages(dir, [LANGUAGES_FILE])).toBeUndefined();
      writeFileSync(path.join(dir, LANGUAGES_FILE), 'de en\n');
      expect(readFolderLanguages(dir, [LANGUAGES_FILE])).toEqual(['de', 'en']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
