import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../errors';
import { decodeFileWithFfmpeg } from './ffmpeg-stream-decoder';

const options = { ffmpegPath: 'ffmpeg', timeoutMs: 60_000, sampleRateHz: 16000, maxDurationSec: 3 * 3600 };

describe('decodeFileWithFfmpeg', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stt-ffmpeg-'));

  test('a long file is decoded chunk by chunk without keeping what was read (30 min: 115 MB decoded)', async () => {
    const file = path.join(dir, 'long.flac');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=440:r=8000', '-t', '1800', '-c:a', 'flac', file]);
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    let samples = 0;
    for await (const chunk of decodeFileWithFfmpeg(file, options)) {
      samples += chunk.length;
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
    }
    expect(samples).toBe(1800 * 16000);
    // Racing each read against the process's pending exit kept every chunk alive: peak ~ the whole file.
    expect(peak).toBeLessThan(40 * 1024 * 1024);
  }, 60_000);

  test('a missing ffmpeg is a 415 decoder_unavailable; a file that is not media is a 400 invalid_audio', async () => {
    const drain = async (it: AsyncIterable<Float32Array>) => {
      for await (const _ of it) void _;
    };
    const err1 = await drain(decodeFileWithFfmpeg(path.join(dir, 'long.flac'), { ...options, ffmpegPath: '/nonexistent/ffmpeg' })).catch((e: unknown) => e);
    expect((err1 as ApiError).status).toBe(415);
    expect((err1 as ApiError).code).toBe('decoder_unavailable');
    const text = path.join(dir, 'x.txt');
    execFileSync('sh', ['-c', `echo 'not audio at all' > ${text}`]);
    const err2 = await drain(decodeFileWithFfmpeg(text, options)).catch((e: unknown) => e);
    expect((err2 as ApiError).status).toBe(400);
    expect((err2 as ApiError).code).toBe('invalid_audio');
  });
});
