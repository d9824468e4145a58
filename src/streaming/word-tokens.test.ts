import { countWords, spelledTokens } from './word-tokens';

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
