import { decodePcm } from './pcm';

describe('decodePcm', () => {
  test('pcm16 little-endian', () => {
    const b = Buffer.alloc(6);
    b.writeInt16LE(16384, 0);
    b.writeInt16LE(-32768, 2);
    b.writeInt16LE(32767, 4);
    expect(Array.from(decodePcm(b, 'pcm16'))).toEqual([0.5, -1, 32767 / 32768]);
  });

  test('float32 is clamped and NaN becomes 0', () => {
    const b = Buffer.alloc(12);
    b.writeFloatLE(0.25, 0);
    b.writeFloatLE(3, 4);
    b.writeFloatLE(NaN, 8);
    expect(Array.from(decodePcm(b, 'float32'))).toEqual([0.25, 1, 0]);
  });

  test.each([
    // ITU-T G.711 reference points: code → linear value (16-bit scale)
    ['mulaw', 0xff, 0],
    ['mulaw', 0x7f, 0],
    ['mulaw', 0x80, 32124],
    ['mulaw', 0x00, -32124],
    ['alaw', 0xd5, 8],
    ['alaw', 0x55, -8],
    ['alaw', 0xaa, 32256],
    ['alaw', 0x2a, -32256],
  ] as const)('%s byte %i decodes to %i/32768', (encoding, byte, linear) => {
    expect(decodePcm(Uint8Array.of(byte), encoding)[0] * 32768).toBeCloseTo(linear, 3);
  });

  test('a partial sample is rejected', () => {
    expect(() => decodePcm(new Uint8Array(3), 'pcm16')).toThrow(RangeError);
    expect(() => decodePcm(new Uint8Array(6), 'float32')).toThrow(RangeError);
  });
});
