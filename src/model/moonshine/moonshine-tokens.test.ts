import { joinByteTokens, MoonshineTokenTable } from './moonshine-tokens';

/** <unk> <s> </s>, the 256 byte tokens, then `extra` (tab-separated, as the published v1 tokens.txt). */
function vocabulary(extra: string[]): string {
  const symbols = ['<unk>', '<s>', '</s>', ...Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`), ...extra];
  return symbols.map((s, i) => `${s}\t${i}`).join('\n');
}

describe('MoonshineTokenTable', () => {
  test('reads `symbol<TAB>id`, keeps the special tokens special and </s> as the blank', () => {
    const t = MoonshineTokenTable.fromText(vocabulary(['\u2581the', 'cat']), { base64: false });
    expect(t.size).toBe(261);
    expect(t.symbols[259]).toBe('\u2581the');
    expect([0, 1, 2].map((id) => t.isSpecial(id))).toEqual([true, true, true]);
    expect(t.blankId).toBe(2);
    expect(t.isSpecial(260)).toBe(false);
  });

  test('printable ASCII byte tokens become their character; other bytes stay byte tokens', () => {
    const t = MoonshineTokenTable.fromText(vocabulary([]), { base64: false });
    expect(t.symbols[3 + 0x41]).toBe('A');
    expect(t.symbols[3 + 0x20]).toBe(' ');
    expect(t.bytesOf(3 + 0x41)).toBeUndefined();
    expect(t.bytesOf(3 + 0xc3)).toEqual(Uint8Array.of(0xc3));
    expect(t.isSpecial(3 + 0xc3)).toBe(true);
  });

  test('a line with one field is the id of the symbol " " (as sherpa-onnx reads it)', () => {
    const t = MoonshineTokenTable.fromText('<unk> 0\n<s> 1\n</s> 2\n3\n', { base64: false });
    expect(t.symbols[3]).toBe(' ');
  });

  test('v2 symbols are base64; a symbol that is part of a character is joined with its neighbours', () => {
    const symbols = [Buffer.from('<unk>'), Buffer.from('<s>'), Buffer.from('</s>'), Buffer.from('\u2581caf\u00e9'), Buffer.of(0xe2, 0x82), Buffer.of(0xac)];
    const t = MoonshineTokenTable.fromText(symbols.map((b, i) => `${b.toString('base64')} ${i}`).join('\n'), { base64: true });
    expect(t.symbols[3]).toBe('\u2581caf\u00e9');
    const joined = joinByteTokens([3, 4, 5], [-1, -2, -3], t);
    expect(joined.ids.slice(0, 1)).toEqual([3]);
    expect(t.symbols[joined.ids[1]]).toBe('\u20ac');
  });

  test.each([
    ['<unk> 0\n<s> 1\n</s> 2\na b 3\n', /expected "symbol id"/],
    ['<unk> 0\n<s> 1\n</s> 2\na 4\n', /id 3 is missing/],
    ['<unk> 0\n<s> 1\n', /needs <unk> 0, <s> 1 and <\/s> 2/],
  ])('rejects %j', (text, message) => {
    expect(() => MoonshineTokenTable.fromText(text, { base64: false })).toThrow(message);
  });
});

describe('joinByteTokens', () => {
  const t = MoonshineTokenTable.fromText(vocabulary(['\u2581caf']), { base64: false });
  const byte = (b: number) => 3 + b;

  test('a run of byte tokens spelling UTF-8 becomes one token of that text, with the run\'s lowest log-prob', () => {
    const r = joinByteTokens([259, byte(0xc3), byte(0xa9), 259], [-0.1, -0.2, -0.3, -0.4], t);
    expect(r.ids).toHaveLength(3);
    expect(t.symbols[r.ids[1]]).toBe('\u00e9');
    expect(r.logProbs).toEqual([-0.1, -0.3, -0.4]);
    // The same character again gets the same id.
    expect(joinByteTokens([byte(0xc3), byte(0xa9)], [0, 0], t).ids).toEqual([r.ids[1]]);
    expect(t.size).toBe(260);
  });

  test('bytes that are not UTF-8 are dropped', () => {
    expect(joinByteTokens([byte(0xff), 259], [-1, -2], t)).toEqual({ ids: [259], logProbs: [-2] });
  });
});
