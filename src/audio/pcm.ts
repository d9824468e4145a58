/** Raw audio sample encodings that live streams send, decoded to float samples in [-1, 1]. */
export type PcmEncoding = 'pcm16' | 'float32' | 'mulaw' | 'alaw';

/** Bytes per sample of each encoding. */
export const BYTES_PER_SAMPLE: Readonly<Record<PcmEncoding, number>> = { pcm16: 2, float32: 4, mulaw: 1, alaw: 1 };

function mulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return sign ? -magnitude : magnitude;
}

function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const sign = a & 0x80;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  let magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  magnitude = sign ? magnitude : -magnitude;
  return magnitude;
}

/** G.711 decode tables to float (ITU-T G.711: µ-law ±8031, A-law ±4032 steps of the 13/14-bit range). */
const MULAW_TABLE = Float32Array.from({ length: 256 }, (_, b) => mulawToLinear(b) / 32768);
const ALAW_TABLE = Float32Array.from({ length: 256 }, (_, b) => alawToLinear(b) / 32768);

/**
 * Decodes little-endian sample bytes. Throws a RangeError when the byte count is not a whole number of
 * samples; non-finite floats become 0 and floats are clamped to [-1, 1].
 */
export function decodePcm(bytes: Uint8Array, encoding: PcmEncoding): Float32Array {
  const size = BYTES_PER_SAMPLE[encoding];
  if (bytes.length % size !== 0) throw new RangeError(`${bytes.length} bytes is not a whole number of ${encoding} samples`);
  const count = bytes.length / size;
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (encoding) {
    case 'pcm16':
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, true) / 32768;
      break;
    case 'float32':
      for (let i = 0; i < count; i++) {
        const v = view.getFloat32(4 * i, true);
        out[i] = Number.isFinite(v) ? (v > 1 ? 1 : v < -1 ? -1 : v) : 0;
      }
      break;
    case 'mulaw':
      for (let i = 0; i < count; i++) out[i] = MULAW_TABLE[bytes[i]];
      break;
    case 'alaw':
      for (let i = 0; i < count; i++) out[i] = ALAW_TABLE[bytes[i]];
      break;
  }
  return out;
}
