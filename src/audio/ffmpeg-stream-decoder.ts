import { spawn } from 'node:child_process';
import { ApiError } from '../errors';
import { ffmpegInputPolicyArgs } from './ffmpeg-input-policy';
import { nonFiniteSampleError } from './sample-checks';

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export interface FfmpegStreamOptions {
  ffmpegPath: string;
  /**
   * Time ffmpeg may spend producing output, in ms: only the time the reader waits for ffmpeg counts, not the
   * time the reader spends on what it got (a long file is recognized while it decodes).
   */
  timeoutMs: number;
  /** Output rate; ffmpeg resamples (its default swr resampler is band-limited). */
  sampleRateHz: number;
  /** Decoding stops with a 400 once the output passes this many seconds. */
  maxDurationSec: number;
}

/**
 * Decodes a local file of any container/codec ffmpeg knows (mp3, m4a/mp4 with the moov atom anywhere,
 * ogg/opus, webm, flac, ...) into mono float32 chunks of about one second, as ffmpeg produces them. The
 * output is pulled: ffmpeg blocks on its full pipe until the reader asks for more, so a long file never sits
 * decoded in memory. Stopping early (an error downstream, a client gone) kills ffmpeg.
 */
export async function* decodeFileWithFfmpeg(filePath: string, options: FfmpegStreamOptions): AsyncGenerator<Float32Array> {
  const maxSamples = Math.ceil(options.maxDurationSec * options.sampleRateHz);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', ...ffmpegInputPolicyArgs(), '-i', `file:${filePath}`,
    '-vn', '-map', '0:a:0?', '-ac', '1', '-ar', String(options.sampleRateHz), '-f', 'f32le', 'pipe:1'];
  const child = spawn(options.ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  let spawnError: NodeJS.ErrnoException | null = null;
  const exited = new Promise<{ code: number | null; spawnError?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      spawnError = err;
      resolve({ code: null, spawnError: err });
      child.stdout.destroy(); // the read in progress ends, and the spawn error is reported below
    });
    child.once('close', (code) => resolve({ code }));
  });
  const reader = child.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let waitedMs = 0;
  let samples = 0;
  let carry: Buffer | null = null;
  let finished = false;
  try {
    for (;;) {
      const started = performance.now();
      let next: IteratorResult<Buffer> | 'timeout';
      try {
        next = await withTimeout(reader.next(), options.timeoutMs - waitedMs);
      } catch (err) {
        // A failed spawn destroys the pipe under the read: report why.
        throw spawnError ? spawnFailure(spawnError, options.ffmpegPath) : err;
      }
      waitedMs += performance.now() - started;
      if (next === 'timeout') {
        throw new ApiError(400, `Decoding the audio took longer than ${options.timeoutMs} ms.`, { param: 'file', code: 'decode_timeout' });
      }
      if (next.done) break;
      let bytes: Buffer = carry ? Buffer.concat([carry, next.value]) : next.value;
      const whole = bytes.length - (bytes.length % 4);
      carry = whole < bytes.length ? Buffer.from(bytes.subarray(whole)) : null;
      bytes = bytes.subarray(0, whole);
      if (bytes.length === 0) continue;
      // A view of ffmpeg's bytes where they are aligned (no copy: a long file makes gigabytes of these), else a copy.
      const chunk =
        LITTLE_ENDIAN_HOST && bytes.byteOffset % 4 === 0
          ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
          : Float32Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
      samples += chunk.length;
      if (samples > maxSamples) {
        throw new ApiError(400, `The audio is longer than the maximum of ${options.maxDurationSec} s.`, { param: 'file', code: 'audio_too_long' });
      }
      const bad = nonFiniteSampleError(chunk);
      if (bad) throw bad;
      yield chunk;
    }
    const exit = await exited;
    if (exit.spawnError) throw spawnFailure(exit.spawnError, options.ffmpegPath);
    const { code } = exit;
    if (code !== 0) {
      const reason = stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? `exit code ${code}`;
      throw new ApiError(400, `The audio file could not be decoded (${reason.replace(/^file:\S+: /, '')}).`, { param: 'file', code: 'invalid_audio' });
    }
    if (samples === 0) {
      throw new ApiError(400, 'The file holds no decodable audio (no audio track, or a container ffmpeg could not read).', { param: 'file', code: 'invalid_audio' });
    }
    finished = true;
  } finally {
    if (!finished && child.exitCode === null) child.kill('SIGKILL');
    child.stdout.destroy();
  }
}

function spawnFailure(err: NodeJS.ErrnoException, ffmpegPath: string): ApiError {
  if (err.code === 'ENOENT') {
    return new ApiError(415, `This audio format needs the ffmpeg decoder, which is not installed on the server (looked for "${ffmpegPath}"). Upload WAV, or install ffmpeg.`, { param: 'file', code: 'decoder_unavailable', cause: err });
  }
  return new ApiError(500, 'The audio decoder could not be started.', { code: 'decoder_failed', cause: err });
}

/**
 * The next read, or 'timeout' after `ms`. (Only per-call promises are raced: racing a long-lived pending one,
 * such as the process's exit, would keep every chunk read alive until it settles.)
 */
async function withTimeout<T>(read: Promise<T>, ms: number): Promise<T | 'timeout'> {
  if (ms <= 0) return 'timeout';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
