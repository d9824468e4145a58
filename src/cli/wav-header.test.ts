import { looksLikeWavHeader, parseWavHeader } from './wav-header';

function header(options: { formatTag: number; channels: number; rate: number; bits: number; extraChunk?: boolean; extensible?: boolean }): Buffer {
  const fmtSize = options.extensible ? 40 : 16;
  const extra = options.extraChunk ? Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc\0')]) : Buffer.alloc(0);
  const b = Buffer.alloc(12 + 8 + fmtSize);
  b.write('RIFF', 0);
  b.writeUInt32LE(0xffffffff, 4);
  b.write('WAVE', 8);
  b.write('fmt ', 12);
  b.writeUInt32LE(fmtSize, 16);
  b.writeUInt16LE(options.extensible ? 0xfffe : options.formatTag, 20);
  b.writeUInt16LE(options.channels, 22);
  b.writeUInt32LE(options.rate, 24);
  b.writeUInt32LE((options.rate * options.channels * options.bits) / 8, 28);
  b.writeUInt16LE((options.channels * options.bits) / 8, 32);
  b.writeUInt16LE(options.bits, 34);
  if (options.extensible) b.writeUInt16LE(options.formatTag, 20 + 24);
  const data = Buffer.alloc(8);
  data.write('data', 0);
  data.writeUInt32LE(3200, 4);
  return Buffer.concat([b, extra, data, Buffer.alloc(16)]);
}

describe('WAV header on a stream', () => {
  test('PCM16 mono: format, rate and where the samples start', () => {
    const h = header({ formatTag: 1, channels: 1, rate: 16000, bits: 16 });
    expect(looksLikeWavHeader(h)).toBe(true);
    expect(parseWavHeader(h)).toEqual({ formatTag: 1, channels: 1, sampleRateHz: 16000, bitsPerSample: 16, dataOffset: 44, dataBytes: 3200 });
  });

  test('chunks before data are skipped (odd sizes padded); WAVE_FORMAT_EXTENSIBLE gives its sub-format', () => {
    const h = header({ formatTag: 3, channels: 2, rate: 44100, bits: 32, extraChunk: true, extensible: true });
    expect(parseWavHeader(h)).toMatchObject({ formatTag: 3, channels: 2, sampleRateHz: 44100, bitsPerSample: 32, dataOffset: 12 + 48 + 12 + 8 });
  });

  test('too short to reach data: null (read more); not RIFF/WAVE: not a header', () => {
    const h = header({ formatTag: 1, channels: 1, rate: 8000, bits: 16 });
    expect(parseWavHeader(h.subarray(0, 30))).toBeNull();
    expect(looksLikeWavHeader(Buffer.from('\x00\x01\x02\x03 raw pcm bytes'))).toBe(false);
    expect(() => parseWavHeader(Buffer.from('OggS\x00\x02\x00\x00\x00\x00\x00\x00'))).toThrow(/not a WAV header/);
  });
});
