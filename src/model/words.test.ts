import { TokenTable } from './tokens';
import { tokensToWords } from './words';

const table = TokenTable.parse(['<blk> 0', '\u2581 1', 'h 2', 'i 3', '\u2581th 4', 'e 5', "' 6", 's 7', '<unk> 8'].join('\n'));
const tok = (id: number, startFrame: number, endFrame = startFrame + 1) => ({ id, startFrame, endFrame, logProb: -0.5 });

describe('tokensToWords', () => {
  test('character tokens with a separate boundary token', () => {
    const r = tokensToWords([tok(2, 1), tok(3, 2, 4), tok(1, 5), tok(2, 7), tok(3, 8)], table, 0.04);
    expect(r.text).toBe('hi hi');
    expect(r.words).toEqual([
      { word: 'hi', startSec: 0.04, endSec: 0.16, tokens: [{ token: 'h', logprob: -0.5 }, { token: 'i', logprob: -0.5 }] },
      {
        word: 'hi',
        startSec: 7 * 0.04,
        endSec: 9 * 0.04,
        tokens: [{ token: ' ', logprob: -0.5 }, { token: 'h', logprob: -0.5 }, { token: 'i', logprob: -0.5 }],
      },
    ]);
  });

  test('BPE pieces with a leading boundary; special tokens dropped', () => {
    const r = tokensToWords([tok(4, 0), tok(5, 1), tok(8, 2), tok(6, 3), tok(7, 4), tok(4, 10), tok(5, 12)], table, 0.1);
    expect(r.text).toBe("the's the");
    expect(r.words[1].startSec).toBeCloseTo(1.0);
    expect(r.words[1].endSec).toBeCloseTo(1.3);
    // Token log probabilities, as text pieces (boundary → space), specials dropped.
    expect(r.tokens.map((t) => t.token).join('')).toBe(" the's the");
    expect(r.tokens.every((t) => t.logprob === -0.5)).toBe(true);
    // Each word carries its own tokens, and together they are every token of the text.
    expect(r.words.map((w) => w.tokens!.map((t) => t.token).join(''))).toEqual([" the's", ' the']);
  });

  test('a long pause inside a word splits it (the model emitted no boundary across the silence)', () => {
    // "hi" then 0.6 s of nothing then "hi" without a boundary token: two words; a shorter pause: one.
    const split = tokensToWords([tok(2, 0), tok(3, 1), tok(2, 17), tok(3, 18)], table, 0.04);
    expect(split.words.map((w) => [w.word, w.startSec])).toEqual([['hi', 0], ['hi', 17 * 0.04]]);
    expect(split.text).toBe('hi hi');
    expect(split.tokens.map((t) => t.token).join('')).toBe('hi hi');
    expect(tokensToWords([tok(2, 0), tok(3, 1), tok(2, 16), tok(3, 17)], table, 0.04).text).toBe('hihi');
  });

  test('nothing decoded gives empty text', () => {
    // The lone boundary token was emitted (it keeps its log probability); blank is not a token.
    expect(tokensToWords([tok(1, 0), tok(0, 1)], table, 0.04)).toEqual({ text: '', words: [], tokens: [{ token: ' ', logprob: -0.5 }] });
  });
});
