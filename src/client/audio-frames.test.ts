import { base64Encode, encodeAudio, float32Bytes, pcm16Bytes } from './audio-frames';

describe('client audio frames', () => {
  test('float samples → PCM16 little-endian, clipped to [-1, 1], full scale both ways', () => {
    const bytes = pcm16Bytes(Float32Array.of(0, 0.5, -0.5, 1, -1, 2, -2));
    expect(Array.from(new Int16Array(Uint8Array.from(bytes).buffer))).toEqual([0, 16384, -16384, 32767, -32768, 32767, -32768]);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0, 0x00, 0x40]);
  });

  test('Int16Array is sent as its samples; raw bytes pass through, a Buffer slice without its neighbours', () => {
    expect(Array.from(pcm16Bytes(Int16Array.of(1, -2)))).toEqual([1, 0, 0xfe, 0xff]);
    const pooled = Buffer.from([9, 9, 1, 2, 3, 9]).subarray(2, 5);
    expect(Array.from(pcm16Bytes(pooled))).toEqual([1, 2, 3]);
    expect(Array.from(encodeAudio(Uint8Array.of(7, 8).buffer, 'mulaw'))).toEqual([7, 8]);
  });

  test('float32 streams: Int16Array scaled to [-1, 1), floats as they are', () => {
    const fromInt = new Float32Array(Uint8Array.from(float32Bytes(Int16Array.of(-32768, 16384))).buffer);
    expect(Array.from(fromInt)).toEqual([-1, 0.5]);
    expect(Array.from(new Float32Array(Uint8Array.from(encodeAudio(Float32Array.of(0.25), 'float32')).buffer))).toEqual([0.25]);
  });

  test('G.711 streams take bytes only; other inputs are refused by name', () => {
    expect(() => encodeAudio(Float32Array.of(0), 'alaw')).toThrow(/raw alaw bytes/);
    expect(() => pcm16Bytes([1, 2] as unknown as Int16Array)).toThrow(/Unsupported audio input \[object Array\]/);
  });

  test.each([0, 1, 2, 3, 4, 5, 1000])('base64 of %i bytes equals Buffer’s', (n) => {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 255);
    expect(base64Encode(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });
});
