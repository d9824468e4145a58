import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CharNgramLm } from './char-ngram-lm';
import { LM_SPACE } from './text-lm';

const LOG10 = Math.LN10;

/** A hand-made bigram model: values chosen so every lookup path (hit, back-off, unknown) gives a known number. */
const ARPA = `\\data\\
ngram 1=5
ngram 2=3

\\1-grams:
-1.0\t<s>\t-0.5
-0.3\ta\t-0.2
-0.6\tb
-0.9\t▁\t-0.1
-0.7\t</s>

\\2-grams:
-0.1\t<s> a
-0.2\ta b
-0.4\ta </s>

\\end\\
`;

describe('CharNgramLm', () => {
  const lm = CharNgramLm.parse(ARPA);

  test('reads the order and scores seen n-grams directly (natural log)', () => {
    expect(lm.order).toBe(2);
    expect(lm.logProb(lm.start, 'a')).toBeCloseTo(-0.1 * LOG10, 6);
    expect(lm.logProb(lm.advance(lm.start, 'a'), 'b')).toBeCloseTo(-0.2 * LOG10, 6);
    expect(lm.endLogProb(lm.advance(lm.start, 'a'))).toBeCloseTo(-0.4 * LOG10, 6);
  });

  test('backs off through the history weight to the shorter n-gram', () => {
    // P(b | <s>) is not listed: bow(<s>) + P(b).
    expect(lm.logProb(lm.start, 'b')).toBeCloseTo((-0.5 - 0.6) * LOG10, 6);
    // P(▁ | a) = bow(a) + P(▁); P(a | b): b has no back-off weight, so just P(a).
    expect(lm.logProb('a', LM_SPACE)).toBeCloseTo((-0.2 - 0.9) * LOG10, 6);
    expect(lm.logProb('b', 'a')).toBeCloseTo(-0.3 * LOG10, 6);
  });

  test('an unseen character scores like the rarest one, never -Infinity', () => {
    expect(lm.logProb('a', 'z')).toBeCloseTo((-0.2 - 0.9) * LOG10, 6);
  });

  test('the context keeps the last order − 1 characters', () => {
    expect(lm.advance(lm.advance(lm.start, 'a'), 'b')).toBe('b');
  });

  test('loads gzipped files; rejects files that are not character-level ARPA', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lm-'));
    writeFileSync(path.join(dir, 'lm.arpa.gz'), gzipSync(ARPA));
    expect(CharNgramLm.load(path.join(dir, 'lm.arpa.gz')).logProb('\u0002', 'a')).toBeCloseTo(-0.1 * LOG10, 6);
    expect(() => CharNgramLm.parse(ARPA.replace('-0.6\tb', '-0.6\tbee'))).toThrow(/not a single character/);
    expect(() => CharNgramLm.parse('hello')).toThrow(/not an ARPA file/);
  });

  test('a file without the header counts scores the same (the table grows as it reads)', () => {
    const headerless = CharNgramLm.parse(ARPA.replace(/ngram \d+=\d+\n/g, ''));
    for (const [context, char] of [[lm.start, 'a'], [lm.start, 'b'], ['a', LM_SPACE], ['b', 'a'], ['a', 'z']]) {
      expect(headerless.logProb(context, char)).toBe(lm.logProb(context, char));
    }
    expect(headerless.order).toBe(2);
  });

  test('the embedded LM is a proper distribution: P(next | context) sums to 1', () => {
    const embedded = CharNgramLm.load(path.join(__dirname, '..', '..', '..', 'models', 'nemo-ctc-en-conv-small', 'lm.arpa.gz'));
    const alphabet = [..."abcdefghijklmnopqrstuvwxyz'", LM_SPACE];
    for (const text of ['', 'the', 'hello wor', 'qx', "it's ", 'seventeen']) {
      let context = embedded.start;
      for (const c of text) context = embedded.advance(context, c === ' ' ? LM_SPACE : c);
      const total = alphabet.reduce((sum, c) => sum + Math.exp(embedded.logProb(context, c)), Math.exp(embedded.endLogProb(context)));
      expect(total).toBeCloseTo(1, 2);
    }
  });
});
