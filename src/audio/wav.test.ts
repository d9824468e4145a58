import { WaveFile } from 'wavefile';
import { ApiError } from '../errors';
import { decodeWav, looksLikeWav } from './wav';

const RATE = 8000;
/** A 0.05 s ramp in [-0.5, 0.5] so every sample is distinct. */
const ramp = Array.from({ length: 400 }, (_, i) => -0.5 + i / 400);

function encode(bitDepth: string, channels: number, toInt: (x: number) => number): Uint8Array {
  const wav = new WaveFile();
  const chans = Array.from({ length: channels }, (_, c) => ramp.map((x) => toInt(c === 0 ? x : x * 0.5)));
  wav.fromScratch(channels, RATE, bitDepth, channels === 1 ? chans[0] : chans);
  return wav.toBuffer();
}

function expectAudioError(fn: () => unknown, status: number): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(status);
    expect((err as ApiError).param).toBe('file');
    return;
  }
  throw new Error('expected an ApiError');
}

describe('decodeWav', () => {
  test.each([
    ['8', (x: number) => Math.round(x * 128 + 128), 1 / 128],
    ['16', (x: number) => Math.round(x * 32768), 1 / 32768],
    ['24', (x: number) => Math.round(x * 8388608), 1e-6],
    ['32', (x: number) => Math.round(x * 2147483648), 1e-6],
    ['32f', (x: number) => x, 1e-7],
    ['64', (x: number) => x, 1e-7],
  ])('mono %s-bit decodes to floats in [-1, 1]', (bits, toInt, tolerance) => {
    const audio = decodeWav(encode(bits, 1, toInt));
    expect(audio.sampleRateHz).toBe(RATE);
    expect(audio.samples.length).toBe(ramp.length);
    for (let i = 0; i < ramp.length; i += 37) expect(Math.abs(audio.samples[i] - ramp[i])).toBeLessThanOrEqual(tolerance + 1e-7);
  });

  test('stereo is averaged to mono', () => {
    const audio = decodeWav(encode('16', 2, (x) => Math.round(x * 32768)));
    // channel 0 = x, channel 1 = x/2 → mean 0.75x
    for (let i = 0; i < ramp.length; i += 50) expect(audio.samples[i]).toBeCloseTo(0.75 * ramp[i], 3);
  });

  test.each([['alaw'], ['mulaw']])('%s companded WAV decodes', (law) => {
    const wav = new WaveFile();
    wav.fromScratch(1, RATE, '16', ramp.map((x) => Math.round(x * 32767)));
    if (law === 'alaw') wav.toALaw();
    else wav.toMuLaw();
    const audio = decodeWav(wav.toBuffer());
    expect(audio.samples.length).toBe(ramp.length);
    for (let i = 0; i < ramp.length; i += 41) expect(audio.samples[i]).toBeCloseTo(ramp[i], 1);
  });

  test('recognizes WAV by its signature', () => {
    expect(looksLikeWav(encode('16', 1, (x) => Math.round(x * 32767)))).toBe(true);
    expect(looksLikeWav(new TextEncoder().encode('ID3 this is an mp3'))).toBe(false);
    expect(looksLikeWav(new Uint8Array(3))).toBe(false);
  });

  test('a header with no fmt chunk is a 400', () => {
    expectAudioError(() => decodeWav(new TextEncoder().encode('RIFF\x00\x00\x00\x00WAVEjunkjunkjunk')), 400);
  });

  test('a truncated data chunk decodes what is there', () => {
    const full = encode('16', 1, (x) => Math.round(x * 32767));
    const audio = decodeWav(full.slice(0, 44 + 100));
    expect(audio.samples.length).toBe(50);
  });

  test('a header lying about the channel count never yields out-of-range samples', () => {
    const bytes = Buffer.from(encode('16', 1, (x) => Math.round(x * 32767)));
    bytes.writeUInt16LE(3, 22); // claims 3 channels
    const audio = decodeWav(bytes);
    expect(audio.samples.length).toBe(Math.floor(ramp.length / 3));
    expect(audio.samples.every((s) => s >= -1 && s <= 1)).toBe(true);
  });

  test.each([
    ['zero channels', 22, 0, 16],
    ['absurd sample rate', 24, 5, 32],
  ])('a header with %s is a 400', (_name, offset, value, width) => {
    const bytes = Buffer.from(encode('16', 1, (x) => Math.round(x * 32767)));
    if (width === 16) bytes.writeUInt16LE(value, offset);
    else bytes.writeUInt32LE(value, offset);
    expectAudioError(() => decodeWav(bytes), 400);
  });
});
