import { TokenTable } from '../tokens';
import { CharNgramLm } from './char-ngram-lm';
import { HotwordTrie } from './hotword-trie';
import { HOTWORD_BONUS_PER_CHAR, LmFusion } from './lm-fusion';
import { WordNgramLm } from './word-ngram-lm';

const lm = CharNgramLm.parse(`\\data\\
ngram 1=6
\\1-grams:
-99\t<s>
-0.5\ta
-0.6\tb
-0.7\tc
-0.8\t▁
-0.9\t</s>
\\end\\
`);
const ln = (log10: number) => log10 * Math.LN10;

describe('LmFusion', () => {
  // A BPE-like vocabulary: blank, <unk>, word-initial pieces and a bare boundary.
  const tokens = new TokenTable(['<blk>', '<unk>', '\u2581ab', 'c', '\u2581', 'B'], 0);
  const fusion = new LmFusion(lm, tokens, { scale: 2, lengthBonus: 0.25, unknownWordPenalty: 0 });

  test('scores every character a token spells, weighted, with the length bonus per character', () => {
    const s = fusion.extend(fusion.initial, 3); // "c"
    expect(s.score).toBeCloseTo(2 * ln(-0.7) + 0.25, 6);
    expect(s.last).toBe('c');
  });

  test('a word boundary at the start of the text spells nothing; inside the text it is a character', () => {
    const first = fusion.extend(fusion.initial, 2); // "▁ab" at the start = "ab"
    expect(first.score).toBeCloseTo(2 * (ln(-0.5) + ln(-0.6)) + 0.5, 6);
    const second = fusion.extend(first, 2); // " ab"
    expect(second.score - first.score).toBeCloseTo(2 * (ln(-0.8) + ln(-0.5) + ln(-0.6)) + 0.75, 6);
    expect(second.last).toBe('b');
  });

  test('blank and <unk> leave the state alone; a boundary after a boundary too; upper case is folded', () => {
    const s = fusion.extend(fusion.initial, 3);
    expect(fusion.extend(s, 0)).toBe(s);
    expect(fusion.extend(s, 1)).toBe(s);
    const spaced = fusion.extend(s, 4);
    expect(fusion.extend(spaced, 4)).toBe(spaced);
    expect(fusion.extend(s, 5).score - s.score).toBeCloseTo(2 * ln(-0.6) + 0.25, 6);
  });

  test('characters outside the LM\'s alphabet are passed over, not penalized', () => {
    const punctuated = new TokenTable(['<blk>', 'c,', '!', '\u2581a'], 0);
    const f = new LmFusion(lm, punctuated, { scale: 2, lengthBonus: 0.25, unknownWordPenalty: 0 });
    const c = f.extend(f.initial, 1);
    expect(c.score).toBeCloseTo(2 * ln(-0.7) + 0.25, 6);
    expect(c.context).toBe(lm.advance(lm.start, 'c'));
    expect(f.extend(c, 2).score).toBe(c.score);
  });

  test('the final score adds the end of the sentence', () => {
    const s = fusion.extend(fusion.initial, 3);
    expect(fusion.final(s)).toBeCloseTo(s.score + 2 * ln(-0.9), 6);
  });

  describe('hotwords', () => {
    const chars = new TokenTable(['<blk>', '\u2581', 'a', 'b', 'c'], 0);
    const ids = (text: string) => [...text].map((c) => (c === ' ' ? 1 : chars.symbols.indexOf(c)));
    const spell = (f: LmFusion, text: string) => ids(text).reduce((s, id) => f.extend(s, id), f.initial);
    const plain = new LmFusion(lm, chars, { scale: 1, lengthBonus: 0, unknownWordPenalty: 0 });
    const hot = plain.forRequest(chars, HotwordTrie.fromWords(['cab']));
    const bonus = (text: string) => hot.final(spell(hot, text)) - plain.final(spell(plain, text));

    test('a finished hotword keeps a bonus per character, wherever it stands', () => {
      expect(bonus('cab')).toBeCloseTo(3 * HOTWORD_BONUS_PER_CHAR, 6);
      expect(bonus('ab cab')).toBeCloseTo(3 * HOTWORD_BONUS_PER_CHAR, 6);
      expect(bonus('cab cab')).toBeCloseTo(6 * HOTWORD_BONUS_PER_CHAR, 6);
    });

    test('while a hotword is being spelled it is ahead; a word that leaves it or stops short gives it back', () => {
      const partial = spell(hot, 'ca');
      expect(partial.score - spell(plain, 'ca').score).toBeCloseTo(2 * HOTWORD_BONUS_PER_CHAR, 6);
      expect(bonus('ca')).toBeCloseTo(0, 6); // the text ends inside the hotword
      expect(bonus('cb')).toBeCloseTo(0, 6);
      expect(bonus('ca b')).toBeCloseTo(0, 6);
      expect(bonus('cabc')).toBeCloseTo(0, 6); // longer than the hotword: another word
      expect(bonus('acab')).toBeCloseTo(0, 6); // not at a word start
    });

    test('without a prompt or preceding text the scorer is the plain one', () => {
      expect(plain.forRequest(chars, undefined)).toBe(plain);
      expect(plain.forRequest(chars, undefined, '')).toBe(plain);
    });
  });

  describe('preceding text', () => {
    // A bigram LM in which "b" is likely after a word boundary and unlikely at the start of a sentence.
    const bigram = CharNgramLm.parse(`\\data\\
ngram 1=5
ngram 2=2
\\1-grams:
-99\t<s>\t-0.3
-0.5\ta\t-0.2
-2.0\tb\t-0.1
-0.8\t▁\t-0.1
-0.9\t</s>
\\2-grams:
-0.1\t▁ b
-0.2\ta ▁
\\end\\
`);
    const chars = new TokenTable(['<blk>', '\u2581', 'a', 'b'], 0);
    const plain = new LmFusion(bigram, chars, { scale: 1, lengthBonus: 0, unknownWordPenalty: 0 });
    const after = (text: string) => plain.forRequest(chars, undefined, text);

    test('the first word continues the text: the LM context is that of the text and a word boundary, nothing scored', () => {
      const spelled = plain.extend(plain.extend(plain.initial, 2), 1); // "a "
      const primed = after('a').initial;
      expect(primed.context).toBe(spelled.context);
      expect(primed.score).toBe(0);
      expect(primed.last).toBe(' ');
      // "b" now scores as after a boundary (-0.1), not as a sentence's first character (-0.3 - 2.0).
      expect(after('a').extend(primed, 3).score).toBeCloseTo(ln(-0.1), 6);
      expect(plain.extend(plain.initial, 3).score).toBeCloseTo(ln(-0.3 - 2.0), 6);
    });

    test('a boundary token right after the preceding text spells nothing', () => {
      const primed = after('a').initial;
      expect(after('a').extend(primed, 1)).toBe(primed);
    });

    test('case, runs of whitespace and characters outside the alphabet do not matter', () => {
      expect(after('  A ,  ').initial.context).toBe(after('a').initial.context);
      expect(after('xyz').initial.context).toBe(plain.initial.context);
    });
  });

  describe('with a word LM', () => {
    const words = WordNgramLm.parse(`\\data\\
ngram 1=4
\\1-grams:
-99\t<s>
-1.0\tab
-1.2\tba
-0.5\t</s>
\\end\\
`);
    const chars = new TokenTable(['<blk>', '\u2581', 'a', 'b', 'c'], 0);
    const ids = (text: string) => [...text].map((c) => (c === ' ' ? 1 : chars.symbols.indexOf(c)));
    const fusion = new LmFusion(words, chars, { scale: 1, lengthBonus: 0, unknownWordPenalty: 7 });
    const total = (text: string) => fusion.final(ids(text).reduce((s, id) => fusion.extend(s, id), fusion.initial));

    test('vocabulary words score their n-gram log probabilities, with no penalty', () => {
      expect(total('ab ba')).toBeCloseTo(ln(-1.0) + ln(-1.2) + ln(-0.5), 6);
    });

    test('each word that leaves the vocabulary costs the penalty once, also when the text ends inside it', () => {
      const unknown = ln(-1.2); // no <unk>: the rarest unigram
      expect(total('aa')).toBeCloseTo(unknown - 7 + ln(-0.5), 6);
      expect(total('aaa ab')).toBeCloseTo(unknown - 7 + ln(-1.0) + ln(-0.5), 6);
      expect(total('a ab')).toBeCloseTo(unknown - 7 + ln(-1.0) + ln(-0.5), 6); // "a" is a prefix, not a word
      expect(total('a')).toBeCloseTo(unknown - 7 + ln(-0.5), 6);
      // Characters outside the vocabulary's letters are passed over.
      expect(total('acb')).toBeCloseTo(total('ab'), 6);
    });

    test('preceding text becomes the word history', () => {
      const primed = fusion.forRequest(chars, undefined, 'AB').initial;
      expect(primed.context).toBe(ids('ab ').reduce((s, id) => fusion.extend(s, id), fusion.initial).context);
      expect(primed.score).toBe(0);
    });

    test('a hotword outside the vocabulary pays no penalty; a word that only starts like one does', () => {
      const hot = fusion.forRequest(chars, HotwordTrie.fromWords(['aab']));
      const hotTotal = (text: string) => hot.final(ids(text).reduce((s, id) => hot.extend(s, id), hot.initial));
      const unknown = ln(-1.2);
      expect(hotTotal('aab')).toBeCloseTo(unknown + 3 * HOTWORD_BONUS_PER_CHAR + ln(-0.5), 6);
      expect(hotTotal('aab ab')).toBeCloseTo(unknown + 3 * HOTWORD_BONUS_PER_CHAR + ln(-1.0) + ln(-0.5), 6);
      expect(hotTotal('aa')).toBeCloseTo(total('aa'), 6); // ends inside the hotword
      expect(hotTotal('aa ab')).toBeCloseTo(total('aa ab'), 6);
      expect(hotTotal('aabb ab')).toBeCloseTo(total('aabb ab'), 6); // runs past it
      expect(hotTotal('aabb')).toBeCloseTo(total('aabb'), 6);
      expect(hotTotal('ab')).toBeCloseTo(total('ab'), 6); // an in-vocabulary word leaving the trie
    });
  });
});
