import { open, readFile } from 'node:fs/promises';
import { ApiError } from '../errors';
import { decodeFileWithFfmpeg } from './ffmpeg-stream-decoder';
import { overBudget } from './over-budget';
import { resampleAsync } from './resample';
import { decodeWav, looksLikeWav } from './wav';

/** File extensions OpenAI's transcription endpoint accepts (plus a few more ffmpeg reads). */
export const SUPPORTED_EXTENSIONS = ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'opus', 'wav', 'webm', 'aac', 'wma', 'aiff', 'aif', 'caf', 'amr', '3gp', 'mkv', 'mov'];

/** Media types that certainly are not audio: rejected with 415 before any decoding. */
const NOT_AUDIO = /^(text\/|image\/|application\/(json|pdf|xml|zip|x-www-form-urlencoded))/;
const NOT_AUDIO_EXTENSIONS = ['txt', 'json', 'pdf', 'png', 'jpg', 'jpeg', 'gif', 'html', 'csv'];

/** An upload spooled to a local file (ffmpeg needs to seek in some containers: mp4/m4a with the moov atom last). */
export interface SpooledUpload {
  filePath: string;
  sizeBytes: number;
  fileName?: string;
  mimeType?: string;
}

export interface DecodeOptions {
  targetRateHz: number;
  ffmpegPath: string;
  /** ffmpeg's own decoding time limit, in ms (time spent waiting for its output). */
  timeoutMs: number;
  maxDurationSec: number;
  /** Reserves decoded bytes held whole (a WAV file's samples); false refuses with 503 (server memory budget). */
  reserve?: (bytes: number) => boolean;
  /** Gives back reserved bytes as they are handed on (the taker reserves what it keeps). */
  free?: (bytes: number) => void;
}

/** Decoded audio as it comes: chunks of mono float samples at `targetRateHz`, in order. */
export interface AudioChunkSource {
  chunks: AsyncIterable<Float32Array>;
  /** The file's header declared more audio than the file holds; what is there is decoded. */
  truncated: boolean;
}

/** Samples handed downstream at a time from audio decoded whole (one second at 16 kHz). */
const CHUNK_SAMPLES = 16000;

/**
 * Opens an uploaded file for decoding: WAV in-process (wavefile, then our band-limited resampler), every
 * other format through ffmpeg, read from the spooled file as a stream of chunks.
 */
export async function openAudio(upload: SpooledUpload, options: DecodeOptions): Promise<AudioChunkSource> {
  if (upload.sizeBytes === 0) throw new ApiError(400, 'The uploaded file is empty.', { param: 'file', code: 'empty_file' });
  if (looksLikeWav(await readHead(upload.filePath, 12))) return openWav(await readFile(upload.filePath), options);
  const ext = upload.fileName?.includes('.') ? upload.fileName.split('.').pop()!.toLowerCase() : undefined;
  if ((upload.mimeType && NOT_AUDIO.test(upload.mimeType)) || (ext && NOT_AUDIO_EXTENSIONS.includes(ext))) {
    throw new ApiError(415, `Unsupported file format. Supported formats: ${SUPPORTED_EXTENSIONS.join(', ')}.`, { param: 'file', code: 'unsupported_media_type' });
  }
  const chunks = decodeFileWithFfmpeg(upload.filePath, { ffmpegPath: options.ffmpegPath, timeoutMs: options.timeoutMs, sampleRateHz: options.targetRateHz, maxDurationSec: options.maxDurationSec });
  return { chunks, truncated: false };
}

async function openWav(bytes: Uint8Array, options: DecodeOptions): Promise<AudioChunkSource> {
  const wav = decodeWav(bytes);
  if (wav.samples.length / wav.sampleRateHz > options.maxDurationSec) {
    throw new ApiError(400, `The audio is longer than the maximum of ${options.maxDurationSec} s.`, { param: 'file', code: 'audio_too_long' });
  }
  if (wav.samples.length === 0) throw new ApiError(400, 'The WAV file holds no audio samples.', { param: 'file', code: 'invalid_audio' });
  // WAV decodes whole, to at most a few times the upload size: counted until each chunk is handed on (the
  // taker counts what it keeps from then on).
  const outputBytes = Math.ceil((wav.samples.length * options.targetRateHz) / wav.sampleRateHz) * 4;
  if (options.reserve && !options.reserve(outputBytes)) throw overBudget();
  const samples = await resampleAsync(wav.samples, wav.sampleRateHz, options.targetRateHz);
  return { chunks: inChunks(samples, options.free), truncated: wav.truncated };
}

async function* inChunks(samples: Float32Array, free?: (bytes: number) => void): AsyncGenerator<Float32Array> {
  let handedOn = 0;
  try {
    for (let at = 0; at < samples.length; at += CHUNK_SAMPLES) {
      const chunk = samples.subarray(at, Math.min(samples.length, at + CHUNK_SAMPLES));
      yield chunk;
      handedOn += chunk.length;
      free?.(chunk.byteLength);
    }
  } finally {
    free?.((samples.length - handedOn) * 4);
  }
}

async function readHead(filePath: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(filePath, 'r');
  try {
    const head = new Uint8Array(bytes);
    const { bytesRead } = await handle.read(head, 0, bytes, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
