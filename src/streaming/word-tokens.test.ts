import { countWords, SentWords, spelledTokens, stableWordsOf } from './word-tokens';

describe('spelledTokens', () => {
  const word = (w: string, tokens: string[]) => ({ word: w, startSec: 0, endSec: 0, tokens: tokens.map((token) => ({ token, logprob: -0.2 })) });

  test('joins words with the spaces the text has, whether or not a boundary token was recognized', () => {
    const tokens = spelledTokens([word('hi', ['h', 'i']), word('there', [' ', 't', 'here']), word('you', ['y', 'ou'])], false);
    expect(tokens.map((t) => t.token).join('')).toBe('hi there you');
    expect(spelledTokens([word('again', ['again'])], true).map((t) => t.token)).toEqual([' again']);
    expect(tokens.every((t) => t.logprob === -0.2)).toBe(true);
  });

  test('words without tokens add nothing', () => {
    expect(spelledTokens([{ word: 'x', startSec: 0, endSec: 1 }], false)).toEqual([]);
  });

  test('countWords', () => {
    expect(countWords('')).toBe(0);
    expect(countWords('one two three')).toBe(3);
  });
});

describe('SentWords and stableWordsOf', () => {
  const w = (word: string) => ({ word, startSec: 0, endSec: 0 });

  test('a partial makes its committed prefix stable; each take returns only the words not sent before', () => {
    const partial = { type: 'partial' as const, utteranceIndex: 0, stableText: 'a b', stableDelta: ' b', unstableText: 'c', text: 'a b c', words: [w('a'), w('b'), w('c')] };
    expect(stableWordsOf(partial).map((x) => x.word)).toEqual(['a', 'b']);
    const sent = new SentWords();
    expect(sent.take(0, [w('a')])).toEqual({ fresh: [w('a')], before: 0 });
    expect(sent.take(0, stableWordsOf(partial))).toEqual({ fresh: [w('b')], before: 1 });
    expect(sent.take(1, [w('x')]).before).toBe(0); // utterances are counted apart
    sent.forget(0);
    expect(sent.take(0, [w('a')]).before).toBe(0);
  });
});
