import { WaveFile } from 'wavefile';
import { ApiError } from '../errors';
import type { DecodedAudio } from './decoded-audio';

/** RIFF/WAVE (or RIFX/RF64) signature at the start of a buffer. */
export function looksLikeWav(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const riff = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  const wave = String.fromCharCode(bytes[8], bytes[9], bytes[10], bytes[11]);
  return (riff === 'RIFF' || riff === 'RIFX' || riff === 'RF64') && wave === 'WAVE';
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_ALAW = 6;
const WAVE_FORMAT_MULAW = 7;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Decoded WAV audio; `truncated` when the header declares more audio than the file holds (decoded: what is there). */
export interface DecodedWav extends DecodedAudio {
  truncated: boolean;
}

function invalid(message: string, cause?: unknown): ApiError {
  return new ApiError(400, message, { param: 'file', code: 'invalid_audio', cause });
}

/**
 * Decodes a WAV file of any common encoding (PCM 8/16/24/32-bit, float 32/64, A-law, µ-law, extensible) and
 * any channel count into mono float samples (channels averaged). Headers are checked against the data:
 * a file whose header lies about its layout is a 400, never a crash.
 */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  let wav: WaveFile;
  try {
    wav = new WaveFile(bytes);
  } catch (err) {
    throw invalid(`The WAV file could not be parsed: ${(err as Error).message}`, err);
  }
  const fmt = wav.fmt as { audioFormat: number; numChannels: number; sampleRate: number; bitsPerSample: number };
  const channels = fmt.numChannels;
  const sampleRateHz = fmt.sampleRate;
  if (!Number.isInteger(channels) || channels < 1 || channels > 64) throw invalid(`The WAV header declares ${channels} channels.`);
  if (!Number.isInteger(sampleRateHz) || sampleRateHz < 1000 || sampleRateHz > 384000) {
    throw invalid(`The WAV header declares an unsupported sample rate of ${sampleRateHz} Hz.`);
  }
  let format = fmt.audioFormat;
  if (format === WAVE_FORMAT_EXTENSIBLE) {
    const sub = (wav.fmt as { subformat?: number[] }).subformat;
    format = sub && sub.length > 0 ? sub[0] : WAVE_FORMAT_PCM;
  }
  try {
    if (format === WAVE_FORMAT_ALAW) wav.fromALaw('16');
    else if (format === WAVE_FORMAT_MULAW) wav.fromMuLaw('16');
  } catch (err) {
    throw invalid('The WAV file\'s companded (A-law/µ-law) data could not be decoded.', err);
  }
  const declaredBits = fmt.bitsPerSample;
  const isFloat = format === WAVE_FORMAT_IEEE_FLOAT;
  let bits: number;
  let scale: number;
  let offset = 0;
  if (isFloat) {
    // The format tag (or an extensible header's subformat) says float; the bit depth is the header's own
    // (wavefile names an extensible float file's depth '32', not '32f').
    if (declaredBits !== 32 && declaredBits !== 64) throw invalid(`Unsupported float WAV bit depth ${declaredBits}.`);
    bits = declaredBits;
    scale = 1;
  } else if (format === WAVE_FORMAT_PCM || format === WAVE_FORMAT_ALAW || format === WAVE_FORMAT_MULAW) {
    bits = Number(wav.bitDepth);
    if (![8, 16, 24, 32].includes(bits)) throw invalid(`Unsupported PCM WAV bit depth ${wav.bitDepth}.`);
    scale = 1 / 2 ** (bits - 1);
    if (bits === 8) offset = -128; // 8-bit WAV is unsigned
  } else {
    throw new ApiError(415, `Unsupported WAV encoding (format tag ${format}); use PCM, float, A-law or µ-law.`, {
      param: 'file',
      code: 'unsupported_audio_encoding',
    });
  }
  const bytesPerSample = bits / 8;
  const dataChunk = wav.data as { samples: Uint8Array; chunkSize: number };
  const data = dataChunk.samples;
  const truncated = declaresMissingData(dataChunk.chunkSize, data.length);
  const frames = Math.floor(data.length / (bytesPerSample * channels));
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const samples = new Float32Array(frames);
  if (bits === 16 && !isFloat && channels === 1) {
    // The common case (16-bit mono PCM), without a reader call per sample: 4x faster.
    if (LITTLE_ENDIAN_HOST && (data.byteOffset & 1) === 0) {
      const pcm = new Int16Array(data.buffer, data.byteOffset, frames);
      for (let i = 0; i < frames; i++) samples[i] = pcm[i] * scale;
    } else {
      for (let i = 0; i < frames; i++) samples[i] = view.getInt16(2 * i, true) * scale;
    }
    return { samples, sampleRateHz, truncated };
  }
  const read = sampleReader(view, bits, isFloat);
  const gain = scale / channels;
  const frameBytes = bytesPerSample * channels;
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0, at = i * frameBytes; c < channels; c++, at += bytesPerSample) sum += read(at) + offset;
    const v = sum * gain;
    if (v - v !== 0) {
      throw invalid('The WAV file holds samples that are not finite numbers (NaN or infinity).');
    }
    samples[i] = v > 1 ? 1 : v < -1 ? -1 : v;
  }
  return { samples, sampleRateHz, truncated };
}

/**
 * Whether a data chunk's declared size is a real length that the file does not hold (a cut-off file), as
 * opposed to a streaming writer's placeholder (0, or 0xFFFFFFFF and the like when the length was unknown).
 */
function declaresMissingData(declaredBytes: number, presentBytes: number): boolean {
  if (!Number.isFinite(declaredBytes) || declaredBytes === 0 || declaredBytes >= 0x7fff_f000) return false;
  return declaredBytes > presentBytes + 1;
}

/** Reads one little-endian sample at a byte offset, as a number in its integer (or float) range. */
function sampleReader(view: DataView, bits: number, isFloat: boolean): (byteOffset: number) => number {
  if (isFloat) return bits === 64 ? (at) => view.getFloat64(at, true) : (at) => view.getFloat32(at, true);
  switch (bits) {
    case 8:
      return (at) => view.getUint8(at);
    case 16:
      return (at) => view.getInt16(at, true);
    case 24:
      return (at) => {
        const v = view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getUint8(at + 2) << 16);
        return v & 0x800000 ? v - 0x1000000 : v;
      };
    default:
      return (at) => view.getInt32(at, true);
  }
}
