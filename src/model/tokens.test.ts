import { TokenTable } from './tokens';

describe('TokenTable', () => {
  test('parses symbols and finds the blank', () => {
    const t = TokenTable.parse('<blk> 0\n\u2581 1\na 2\nb 3\n');
    expect(t.size).toBe(4);
    expect(t.blankId).toBe(0);
    expect(t.symbols[2]).toBe('a');
  });

  test('NeMo places the blank last', () => {
    const t = TokenTable.parse('a 0\nb 1\n<blk> 2\n');
    expect(t.blankId).toBe(2);
  });

  test('special tokens are recognized', () => {
    const t = TokenTable.parse('<blk> 0\n<unk> 1\na 2\n< 3\n');
    expect([0, 1, 2, 3].map((i) => t.isSpecial(i))).toEqual([true, true, false, false]);
  });

  test('spellings: ▁ prints as a space, special tokens print nothing; word pieces told from letters', () => {
    const pieces = TokenTable.parse('<unk> 0\n\u2581th 1\ne 2\n\u2581 3\n<blk> 4\n');
    expect(pieces.spellings).toEqual(['', ' th', 'e', ' ', '']);
    expect(pieces.hasWordPieces).toBe(true);
    expect(TokenTable.parse('<blk> 0\n\u2581 1\na 2\n').hasWordPieces).toBe(false);
  });

  test.each([
    ['a\n', /expected "symbol id"/],
    ['a 0\nb 2\n<blk> 3\n', /id 1 is missing/],
    ['a 0\nb 1\n', /no blank/],
  ])('rejects %j', (text, message) => {
    expect(() => TokenTable.parse(text)).toThrow(message);
  });
});
