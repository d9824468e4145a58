import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WaveFile } from 'wavefile';

/** Mono WAV bytes from float samples: PCM16 (format 1) or IEEE float32 (format 3). */
export function wavBytes(samples: Float32Array, sampleRateHz: number, bitDepth: '16' | '32f' = '16'): Buffer {
  const bytesPerSample = bitDepth === '16' ? 2 : 4;
  const dataBytes = samples.length * bytesPerSample;
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(bitDepth === '16' ? 1 : 3, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(sampleRateHz, 24);
  b.writeUInt32LE(sampleRateHz * bytesPerSample, 28);
  b.writeUInt16LE(bytesPerSample, 32);
  b.writeUInt16LE(bytesPerSample * 8, 34);
  b.write('data', 36);
  b.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) {
    if (bitDepth === '16') b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767))), 44 + 2 * i);
    else b.writeFloatLE(samples[i], 44 + 4 * i);
  }
  return b;
}

/** Float samples of a WAV file (first channel). */
export function readWavSamples(file: string): { samples: Float32Array; sampleRateHz: number } {
  const wav = new WaveFile(readFileSync(file));
  wav.toBitDepth('32f');
  const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  const channel = Array.isArray(raw) ? raw[0] : raw;
  return { samples: Float32Array.from(channel), sampleRateHz: (wav.fmt as { sampleRate: number }).sampleRate };
}

/** Encodes a WAV file to another format with ffmpeg (e.g. mp3, ogg, flac, webm, m4a). */
export function encodeWith(inputWav: string, extension: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stt-enc-'));
  const out = path.join(dir, `audio.${extension}`);
  const codec: Record<string, string[]> = {
    mp3: ['-c:a', 'libmp3lame', '-b:a', '64k'],
    ogg: ['-c:a', 'libopus', '-b:a', '32k'],
    webm: ['-c:a', 'libopus', '-b:a', '32k'],
    flac: ['-c:a', 'flac'],
    m4a: ['-c:a', 'aac', '-b:a', '64k'],
  };
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', inputWav, ...(codec[extension] ?? []), out]);
  return out;
}

export { characterErrorRate, normalizeText, wordErrorRate } from '../../../scripts/bench/text-metrics';
