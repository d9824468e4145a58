import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CharNgramLm } from './char-ngram-lm';
import { loadTextLm } from './load-text-lm';
import { LM_SPACE, type LmContext } from './text-lm';
import { WordNgramLm } from './word-ngram-lm';

const ln = (log10: number) => log10 * Math.LN10;

/** A hand-made word bigram model (upper case, as LibriSpeech's LMs are: words are folded to lower case). */
const ARPA = `\\data\\
ngram 1=6
ngram 2=4

\\1-grams:
-99\t<s>\t-0.3
-1.0\tTHE\t-0.2
-1.5\tTHEY\t-0.1
-2.0\tCAT
-2.5\t<unk>
-0.8\t</s>

\\2-grams:
-0.2\t<s> the
-0.4\tthe cat
-0.5\tcat </s>
-0.6\tthey </s>

\\end\\
`;

/** Scores `text` character by character as beam search does; returns the sum and the final context. */
function spell(lm: WordNgramLm | CharNgramLm, text: string, context: LmContext = lm.start): { logProb: number; context: LmContext } {
  let logProb = 0;
  for (const c of text) {
    const char = c === ' ' ? LM_SPACE : c;
    logProb += lm.logProb(context, char);
    context = lm.advance(context, char);
  }
  return { logProb, context };
}

describe('WordNgramLm', () => {
  const lm = WordNgramLm.parse(ARPA);

  test('the characters of a sentence sum to its word n-gram log probability', () => {
    const { logProb, context } = spell(lm, 'the cat');
    expect(logProb + lm.endLogProb(context)).toBeCloseTo(ln(-0.2) + ln(-0.4) + ln(-0.5), 6);
    // An unfinished last word is finished by the end of the sentence: same total.
    const spaced = spell(lm, 'the cat ');
    expect(spaced.logProb + lm.endLogProb(spaced.context)).toBeCloseTo(ln(-0.2) + ln(-0.4) + ln(-0.5), 6);
  });

  test('while a word is spelled it holds the best unigram it can still become (look-ahead)', () => {
    // "t" and "th" can become "the" (-1.0) or "they" (-1.5): the best is the estimate; nothing changes inside.
    expect(lm.logProb(lm.start, 't')).toBeCloseTo(ln(-1.0), 6);
    expect(spell(lm, 'the').logProb).toBeCloseTo(ln(-1.0), 6);
    // "they": only -1.5 is left after the "y".
    expect(spell(lm, 'they').logProb).toBeCloseTo(ln(-1.5), 6);
    // The boundary swaps the estimate for the real bigram: P(the | <s>).
    const the = spell(lm, 'the');
    expect(lm.logProb(the.context, LM_SPACE)).toBeCloseTo(ln(-0.2) - ln(-1.0), 6);
  });

  test('backs off to the unigram with the history weight', () => {
    // P(they | <s>) is not listed: bow(<s>) + P(they).
    const { logProb, context } = spell(lm, 'they ');
    expect(logProb).toBeCloseTo(ln(-0.3) + ln(-1.5), 6);
    // P(the | they) not listed either: bow(they) + P(the).
    expect(spell(lm, 'the ', context).logProb).toBeCloseTo(ln(-0.1) + ln(-1.0), 6);
  });

  test('a spelling that leaves the vocabulary scores as <unk> at once, and is flagged once', () => {
    const dog = spell(lm, 'dog');
    expect(dog.logProb).toBeCloseTo(ln(-2.5), 6);
    expect(lm.leavesVocabulary(lm.start, 'd')).toBe(true);
    expect(lm.leavesVocabulary(lm.advance(lm.start, 'd'), 'o')).toBe(false);
    expect(lm.leavesVocabulary(dog.context, LM_SPACE)).toBe(false);
    // "th" is a prefix but no word: ending it there leaves the vocabulary.
    const th = spell(lm, 'th');
    expect(lm.leavesVocabulary(th.context, LM_SPACE)).toBe(true);
    expect(lm.leavesVocabulary(spell(lm, 'the').context, LM_SPACE)).toBe(false);
    expect(lm.leavesVocabulary(th.context, 'e')).toBe(false);
    // An unknown word in the history is <unk> there: P(cat | <unk>) backs off to P(cat).
    expect(spell(lm, 'cat ', spell(lm, 'dog ').context).logProb).toBeCloseTo(ln(-2.0), 6);
  });

  test('knows the letters of its vocabulary only', () => {
    expect(lm.knows('t')).toBe(true);
    expect(lm.knows('z')).toBe(false);
    expect(lm.vocabularySize).toBe(6);
  });
});

describe('loadTextLm', () => {
  test('tells word LMs from character LMs by their unigrams; reads gzipped files', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'text-lm-'));
    writeFileSync(path.join(dir, 'words.arpa.gz'), gzipSync(ARPA));
    writeFileSync(path.join(dir, 'chars.arpa'), ARPA.replace(/THEY/g, 'y').replace(/THE/g, 'e').replace(/CAT/g, 'c').replace(/they/g, 'y').replace(/the/g, 'e').replace(/cat/g, 'c'));
    expect(loadTextLm(path.join(dir, 'words.arpa.gz'))).toBeInstanceOf(WordNgramLm);
    expect(loadTextLm(path.join(dir, 'chars.arpa'))).toBeInstanceOf(CharNgramLm);
  });
});
