import type { Readable } from 'node:stream';
import { openAudio } from '../audio/decode';
import type { Config } from '../config';
import { ApiError } from '../errors';
import { CliError, EXIT } from './exit-codes';
import type { InputFile } from './input-file';
import { looksLikeWavHeader, parseWavHeader } from './wav-header';

export type StreamEncoding = 'pcm16' | 'float32' | 'mulaw' | 'alaw';

/** Mono audio bytes in one encoding and rate, as they come. */
export interface AudioByteSource {
  encoding: StreamEncoding;
  sampleRateHz: number;
  bytes: AsyncIterable<Uint8Array>;
}

export const BYTES_PER_SAMPLE: Record<StreamEncoding, number> = { pcm16: 2, float32: 4, mulaw: 1, alaw: 1 };

/**
 * A file in any format the service reads, decoded by the service's own decoder (WAV in-process, the rest
 * through ffmpeg) to 16 kHz float32: the stream carries exactly what a file upload would transcribe.
 */
export async function fileSource(file: InputFile, config: Pick<Config, 'ffmpegPath' | 'ffmpegTimeoutMs' | 'maxAudioDurationSec'>): Promise<AudioByteSource> {
  try {
    const audio = await openAudio(file, { targetRateHz: 16000, ffmpegPath: config.ffmpegPath, timeoutMs: config.ffmpegTimeoutMs, maxDurationSec: config.maxAudioDurationSec });
    return { encoding: 'float32', sampleRateHz: 16000, bytes: floatBytes(audio.chunks, file.filePath) };
  } catch (err) {
    throw decodeError(err, file.filePath);
  }
}

async function* floatBytes(chunks: AsyncIterable<Float32Array>, filePath: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const samples of chunks) {
      const bytes = new Uint8Array(samples.length * 4);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < samples.length; i++) view.setFloat32(4 * i, samples[i], true);
      yield bytes;
    }
  } catch (err) {
    throw decodeError(err, filePath);
  }
}

function decodeError(err: unknown, filePath: string): unknown {
  return err instanceof ApiError ? new CliError(`${filePath}: ${err.message}`, EXIT.failed) : err;
}

/**
 * Audio on stdin: a WAV stream (its header is read and followed: PCM16, float32, µ-law or A-law; several
 * channels are mixed down for PCM16 and float32) or raw samples in `encoding` at `sampleRateHz`.
 */
export async function stdinSource(stdin: Readable, raw: { encoding: StreamEncoding; sampleRateHz: number }): Promise<AudioByteSource> {
  const reader = stdin[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head = Buffer.alloc(0);
  // Enough to tell a WAV header; a raw stream shorter than that is raw.
  while (head.length < 12) {
    const next = await reader.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  if (!looksLikeWavHeader(head)) return { ...raw, bytes: rest(head, reader) };

  let header = parseWavHeader(head);
  while (!header) {
    const next = await reader.next();
    if (next.done || head.length > 1024 * 1024) throw new CliError('stdin: a WAV header without a data chunk', EXIT.failed);
    head = Buffer.concat([head, next.value]);
    header = parseWavHeader(head);
  }
  const encoding = wavEncoding(header.formatTag, header.bitsPerSample);
  if (!encoding) {
    throw new CliError(`stdin: WAV format ${header.formatTag} with ${header.bitsPerSample}-bit samples is not streamed; convert it first (ffmpeg -i in.wav -ac 1 -ar 16000 -c:a pcm_s16le -f wav -) or pass the file's path`, EXIT.usage);
  }
  if (header.channels > 1 && encoding !== 'pcm16' && encoding !== 'float32') {
    throw new CliError(`stdin: a ${header.channels}-channel ${encoding} WAV is not streamed; mix it down to mono first`, EXIT.usage);
  }
  const bytes = rest(head.subarray(header.dataOffset), reader);
  return { encoding, sampleRateHz: header.sampleRateHz, bytes: header.channels > 1 ? mixDown(bytes, encoding as 'pcm16' | 'float32', header.channels) : bytes };
}

function wavEncoding(formatTag: number, bits: number): StreamEncoding | null {
  if (formatTag === 1 && bits === 16) return 'pcm16';
  if (formatTag === 3 && bits === 32) return 'float32';
  if (formatTag === 7 && bits === 8) return 'mulaw';
  if (formatTag === 6 && bits === 8) return 'alaw';
  return null;
}

async function* rest(first: Uint8Array, reader: AsyncIterator<Buffer>): AsyncGenerator<Uint8Array> {
  if (first.length > 0) yield first;
  for (;;) {
    const next = await reader.next();
    if (next.done) return;
    yield next.value;
  }
}

/** Averages interleaved channels into mono, frame by frame (a frame split across chunks is carried over). */
async function* mixDown(bytes: AsyncIterable<Uint8Array>, encoding: 'pcm16' | 'float32', channels: number): AsyncGenerator<Uint8Array> {
  const width = BYTES_PER_SAMPLE[encoding];
  const frameBytes = width * channels;
  let carry: Uint8Array = new Uint8Array(0);
  for await (const chunk of bytes) {
    const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const frames = Math.floor(data.length / frameBytes);
    carry = data.slice(frames * frameBytes);
    const input = new DataView(data.buffer, data.byteOffset, frames * frameBytes);
    const out = new Uint8Array(frames * width);
    const output = new DataView(out.buffer);
    for (let f = 0; f < frames; f++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) {
        const at = f * frameBytes + c * width;
        sum += encoding === 'pcm16' ? input.getInt16(at, true) : input.getFloat32(at, true);
      }
      if (encoding === 'pcm16') output.setInt16(f * width, Math.round(sum / channels), true);
      else output.setFloat32(f * width, sum / channels, true);
    }
    if (out.length) yield out;
  }
}
