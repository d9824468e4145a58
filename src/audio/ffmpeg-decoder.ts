import { spawn } from 'node:child_process';
import { ApiError } from '../errors';
import type { DecodedAudio } from './decoded-audio';

export interface FfmpegOptions {
  ffmpegPath: string;
  timeoutMs: number;
  /** Output rate; ffmpeg resamples (its default swr resampler is band-limited). */
  sampleRateHz: number;
  /** Decoding stops with a 400 once the output would exceed this many seconds. */
  maxDurationSec: number;
  /** Called with each piece of output before it is kept; false stops decoding with 503 (server memory budget). */
  reserve?: (bytes: number) => boolean;
}

/**
 * Decodes any container/codec ffmpeg knows (mp3, mp4/m4a, ogg/opus, webm, flac, ...) by streaming the bytes
 * through ffmpeg's stdin and reading mono float32 PCM from its stdout, with a time limit and an output bound.
 */
export function decodeWithFfmpeg(bytes: Uint8Array, options: FfmpegOptions): Promise<DecodedAudio> {
  const maxOutputBytes = Math.ceil(options.maxDurationSec * options.sampleRateHz) * 4;
  return new Promise((resolve, reject) => {
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', 'pipe:0', '-vn', '-map', '0:a:0?',
      '-ac', '1', '-ar', String(options.sampleRateHz), '-f', 'f32le', 'pipe:1'];
    const child = spawn(options.ffmpegPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let outputBytes = 0;
    let stderr = '';
    let settled = false;
    const finish = (err: ApiError | null, audio?: DecodedAudio) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        child.kill('SIGKILL');
        reject(err);
      } else resolve(audio!);
    };
    const timer = setTimeout(() => {
      finish(new ApiError(400, `Decoding the audio took longer than ${options.timeoutMs} ms.`, { param: 'file', code: 'decode_timeout' }));
    }, options.timeoutMs);

    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        finish(new ApiError(415, `This audio format needs the ffmpeg decoder, which is not installed on the server (looked for "${options.ffmpegPath}"). Upload WAV, or install ffmpeg.`, { param: 'file', code: 'decoder_unavailable', cause: err }));
      } else {
        finish(new ApiError(500, 'The audio decoder could not be started.', { code: 'decoder_failed', cause: err }));
      }
    });
    child.stdout.on('data', (chunk: Buffer) => {
      outputBytes += chunk.length;
      if (outputBytes > maxOutputBytes) {
        finish(new ApiError(400, `The audio is longer than the maximum of ${options.maxDurationSec} s.`, { param: 'file', code: 'audio_too_long' }));
        return;
      }
      if (options.reserve && !options.reserve(chunk.length)) {
        finish(overBudget());
        return;
      }
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('close', (code) => {
      if (code !== 0) {
        const reason = stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? `exit code ${code}`;
        finish(new ApiError(400, `The audio file could not be decoded (${reason.replace(/^pipe:0: /, '')}).`, { param: 'file', code: 'invalid_audio' }));
        return;
      }
      const all = Buffer.concat(chunks, outputBytes);
      const count = Math.floor(all.length / 4);
      const samples = new Float32Array(count);
      for (let i = 0; i < count; i++) samples[i] = all.readFloatLE(i * 4);
      finish(null, { samples, sampleRateHz: options.sampleRateHz });
    });
    // ffmpeg may exit early (bad input) and close stdin under us: that is reported through 'close'.
    child.stdin.on('error', () => undefined);
    child.stdin.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}

/** The answer when decoding would pass the server's budget for decoded audio in flight. */
export function overBudget(): ApiError {
  return new ApiError(503, 'The server is holding too much decoded audio right now; retry shortly.', { code: 'server_overloaded', retryAfterSec: 5 });
}
