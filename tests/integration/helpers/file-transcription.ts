import { execFileSync } from 'node:child_process';
import OpenAI, { toFile } from 'openai';
import { wavBytes } from './audio';

/**
 * The text the server gives one upload of 16 kHz samples (a WAV through the OpenAI SDK, no retries): what
 * the tests compare a live stream's finals with. PCM16 by default; '32f' keeps float samples exactly.
 */
export async function fileTranscriptionText(
  serverUrl: string,
  samples: Float32Array,
  options: { model?: string; apiKey?: string; bitDepth?: '16' | '32f' } = {},
): Promise<string> {
  const client = new OpenAI({ baseURL: `${serverUrl}/v1`, apiKey: options.apiKey ?? 'unused', maxRetries: 0 });
  const file = await toFile(wavBytes(samples, 16000, options.bitDepth ?? '16'), 'a.wav');
  return (await client.audio.transcriptions.create({ file, model: options.model ?? 'whisper-1' })).text;
}

/** A file's audio as ffmpeg decodes it for the server (first audio track, mono, 16 kHz float). */
export function ffmpegDecoded16k(filePath: string): Float32Array {
  const pcm = execFileSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', filePath, '-vn', '-map', '0:a:0', '-ac', '1', '-ar', '16000', '-f', 'f32le', 'pipe:1'], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return new Float32Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength));
}

/**
 * What the server makes of a lossy file's audio once decoded (the same ffmpeg decode, uploaded as a float WAV):
 * the reference for a codec's file, so a test checks the container and codec path, not how the small model
 * copes with the codec's artifacts (that is the eval's job).
 */
export function decodedTranscriptionText(serverUrl: string, filePath: string): Promise<string> {
  return fileTranscriptionText(serverUrl, ffmpegDecoded16k(filePath), { bitDepth: '32f' });
}
