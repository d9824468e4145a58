import { decodeBase64Strict } from './base64';

describe('decodeBase64Strict', () => {
  test.each([
    ['', []],
    ['AAEC', [0, 1, 2]],
    ['AAE=', [0, 1]],
    ['AA==', [0]],
    ['+/+/', [0xfb, 0xff, 0xbf]],
  ])('decodes %j', (text, bytes) => {
    expect([...decodeBase64Strict(text)!]).toEqual(bytes);
  });

  test.each([
    ['a character outside the alphabet', 'AA!A'],
    ['whitespace', 'AAEC AAEC'],
    ['a newline', 'AAEC\nAAEC'],
    ['base64url characters', 'AA-_'],
    ['a length that is not a multiple of 4', 'AAECA'],
    ['padding before the end', 'AA==AAEC'],
    ['three padding characters', 'A==='],
    ['padding alone', '===='],
  ])('refuses %s', (_name, text) => {
    expect(decodeBase64Strict(text)).toBeNull();
  });

  test('round-trips 1 MB of bytes', () => {
    const bytes = Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) & 0xff));
    expect(decodeBase64Strict(bytes.toString('base64'))!.equals(bytes)).toBe(true);
  });
});
