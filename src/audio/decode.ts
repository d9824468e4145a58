import { ApiError } from '../errors';
import type { DecodedAudio } from './decoded-audio';
import { decodeWithFfmpeg, overBudget, type FfmpegOptions } from './ffmpeg-decoder';
import { resampleAsync } from './resample';
import { decodeWav, looksLikeWav } from './wav';

/** File extensions OpenAI's transcription endpoint accepts (plus a few more ffmpeg reads). */
export const SUPPORTED_EXTENSIONS = ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'opus', 'wav', 'webm', 'aac', 'wma', 'aiff', 'aif', 'caf', 'amr', '3gp', 'mkv', 'mov'];

/** Media types that certainly are not audio: rejected with 415 before any decoding. */
const NOT_AUDIO = /^(text\/|image\/|application\/(json|pdf|xml|zip|x-www-form-urlencoded))/;

export interface UploadedAudio {
  bytes: Uint8Array;
  fileName?: string;
  mimeType?: string;
}

export type DecodeOptions = Omit<FfmpegOptions, 'sampleRateHz'> & { targetRateHz: number };

/**
 * Decodes an uploaded file to mono float samples at `targetRateHz`: WAV in-process (wavefile, then our
 * band-limited resampler), everything else through ffmpeg.
 */
export async function decodeAudio(upload: UploadedAudio, options: DecodeOptions): Promise<DecodedAudio> {
  const { bytes } = upload;
  if (bytes.length === 0) throw new ApiError(400, 'The uploaded file is empty.', { param: 'file', code: 'empty_file' });
  if (looksLikeWav(bytes)) {
    const wav = decodeWav(bytes);
    if (wav.samples.length / wav.sampleRateHz > options.maxDurationSec) {
      throw new ApiError(400, `The audio is longer than the maximum of ${options.maxDurationSec} s.`, { param: 'file', code: 'audio_too_long' });
    }
    // WAV decodes to at most a few times the upload size; what is kept is counted against the budget.
    const outputBytes = Math.ceil((wav.samples.length * options.targetRateHz) / wav.sampleRateHz) * 4;
    if (options.reserve && !options.reserve(outputBytes)) throw overBudget();
    return { samples: await resampleAsync(wav.samples, wav.sampleRateHz, options.targetRateHz), sampleRateHz: options.targetRateHz };
  }
  const ext = upload.fileName?.includes('.') ? upload.fileName.split('.').pop()!.toLowerCase() : undefined;
  if ((upload.mimeType && NOT_AUDIO.test(upload.mimeType)) || (ext && ['txt', 'json', 'pdf', 'png', 'jpg', 'jpeg', 'gif', 'html', 'csv'].includes(ext))) {
    throw new ApiError(415, `Unsupported file format. Supported formats: ${SUPPORTED_EXTENSIONS.join(', ')}.`, { param: 'file', code: 'unsupported_media_type' });
  }
  return decodeWithFfmpeg(bytes, { ...options, sampleRateHz: options.targetRateHz });
}
