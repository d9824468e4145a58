/**
 * Audio as the streaming clients accept it, turned into the bytes a protocol carries. Samples are mono;
 * multi-byte encodings are little-endian (as the protocols define them), whatever the platform.
 */

/** Float samples in [-1, 1], 16-bit PCM samples, or raw bytes already in the stream's encoding (a Node Buffer is a Uint8Array). */
export type AudioInput = Float32Array | Int16Array | Uint8Array | ArrayBuffer;

type Kind = 'float32' | 'int16' | 'bytes';

/**
 * What `input` holds. Tested by its tag, not `instanceof`: a typed array made in another realm (a worker, an
 * iframe, jest's sandbox) fails `instanceof` in this one.
 */
function kindOf(input: AudioInput): Kind {
  const tag = Object.prototype.toString.call(input);
  if (tag === '[object Float32Array]') return 'float32';
  if (tag === '[object Int16Array]') return 'int16';
  if (tag === '[object Uint8Array]' || tag === '[object ArrayBuffer]') return 'bytes';
  throw new TypeError(`Unsupported audio input ${tag}: expected Float32Array, Int16Array, Uint8Array (Buffer) or ArrayBuffer.`);
}

const asBytes = (input: AudioInput): Uint8Array => (ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input));

/** PCM16 little-endian bytes of `input` (floats are clipped to [-1, 1]; raw bytes are passed through). */
export function pcm16Bytes(input: AudioInput): Uint8Array {
  const kind = kindOf(input);
  if (kind === 'bytes') return asBytes(input);
  const samples = input as Float32Array | Int16Array;
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  if (kind === 'int16') {
    for (let i = 0; i < samples.length; i++) view.setInt16(2 * i, samples[i], true);
  } else {
    for (let i = 0; i < samples.length; i++) {
      const s = Math.max(-1, Math.min(1, samples[i]));
      view.setInt16(2 * i, Math.round(s < 0 ? s * 32768 : s * 32767), true);
    }
  }
  return out;
}

/** Float32 little-endian bytes of `input` (16-bit samples are scaled to [-1, 1); raw bytes are passed through). */
export function float32Bytes(input: AudioInput): Uint8Array {
  const kind = kindOf(input);
  if (kind === 'bytes') return asBytes(input);
  const samples = input as Float32Array | Int16Array;
  const out = new Uint8Array(samples.length * 4);
  const view = new DataView(out.buffer);
  const scale = kind === 'int16' ? 1 / 32768 : 1;
  for (let i = 0; i < samples.length; i++) view.setFloat32(4 * i, samples[i] * scale, true);
  return out;
}

/** The bytes of `input` for a stream in `encoding`; µ-law and A-law take raw bytes only. */
export function encodeAudio(input: AudioInput, encoding: string): Uint8Array {
  if (encoding === 'float32') return float32Bytes(input);
  if (encoding === 'pcm16') return pcm16Bytes(input);
  if (kindOf(input) === 'bytes') return asBytes(input);
  throw new TypeError(`Audio for a ${encoding} stream must be raw ${encoding} bytes (Uint8Array or ArrayBuffer), not samples.`);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (with padding) of `bytes`, without Buffer or btoa, so it runs the same in Node and browsers. */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  if (i < bytes.length) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + (i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63] : '=') + '=';
  }
  return out;
}

/** Bytes per second of audio at `sampleRateHz` in `encoding`. */
export function bytesPerSecond(encoding: string, sampleRateHz: number): number {
  return sampleRateHz * (encoding === 'float32' ? 4 : encoding === 'pcm16' ? 2 : 1);
}
