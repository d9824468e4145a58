import { validUtf8, WhisperTokenTable } from './whisper-tokens';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
// " caf", "\xc3", "\xa9" (é split over two tokens), " ok", "灯"
const table = WhisperTokenTable.parse(
  [`${b64(' caf')} 0`, `${b64(Buffer.from([0xc3]))} 1`, `${b64(Buffer.from([0xa9]))} 2`, `${b64(' ok')} 3`, `${b64('灯')} 4`].join('\n'),
);

describe('WhisperTokenTable', () => {
  test('joins the bytes of the tokens before decoding UTF-8, skipping ids without bytes (special tokens)', () => {
    expect(table.size).toBe(5);
    expect(table.text([0, 1, 2, 50257, 3, 4])).toBe(' café ok灯');
    expect(table.has(50257)).toBe(false);
  });

  test('pieces merge the tokens of one character and add their log probabilities', () => {
    const pieces = table.pieces([0, 1, 2, 3], [-0.5, -0.25, -0.125, -1]);
    expect(pieces).toEqual([
      { token: ' caf', logprob: -0.5 },
      { token: 'é', logprob: -0.375 },
      { token: ' ok', logprob: -1 },
    ]);
    expect(pieces.map((p) => p.token).join('')).toBe(table.text([0, 1, 2, 3]));
  });

  test('bytes that are not valid UTF-8 are dropped, as sherpa-onnx drops them', () => {
    expect(table.text([3, 1])).toBe(' ok');
    expect(table.text([2, 3])).toBe(' ok');
    expect(table.pieces([3, 1], [-1, -2])).toEqual([{ token: ' ok', logprob: -1 }]);
    expect(validUtf8(Buffer.from([0x41, 0xc0, 0xaf, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0x80, 0x42]))).toEqual(Uint8Array.from([0x41, 0xe2, 0x82, 0xac, 0x42]));
  });

  test('a line that is not "base64 id" is an error naming it', () => {
    expect(() => WhisperTokenTable.parse('IQ== 0\nnot base64! 1', 'x-tokens.txt')).toThrow('x-tokens.txt:2');
  });
});
