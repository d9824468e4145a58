/** What a WAV header says about the samples after it. */
export interface WavHeader {
  /** 1 PCM, 3 IEEE float, 6 A-law, 7 µ-law (WAVE_FORMAT_EXTENSIBLE is resolved to its sub-format). */
  formatTag: number;
  channels: number;
  sampleRateHz: number;
  bitsPerSample: number;
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Bytes of sample data the header declares (0xffffffff or 0 when a streaming writer did not know). */
  dataBytes: number;
}

/** Starts with `RIFF....WAVE`. */
export function looksLikeWavHeader(head: Uint8Array): boolean {
  return head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WAVE';
}

/**
 * Parses a WAV header from the first bytes of a file or stream: walks the chunks up to `data`. Returns
 * `null` while `head` is too short to reach the `data` chunk; throws when it is not a WAV header.
 */
export function parseWavHeader(head: Uint8Array): WavHeader | null {
  if (head.length < 12) return null;
  if (!looksLikeWavHeader(head)) throw new Error('not a WAV header (no RIFF/WAVE)');
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let fmt: Omit<WavHeader, 'dataOffset' | 'dataBytes'> | null = null;
  let at = 12;
  while (at + 8 <= head.length) {
    const id = ascii(head, at, 4);
    const size = view.getUint32(at + 4, true);
    if (id === 'data') {
      if (!fmt) throw new Error('WAV data chunk before its fmt chunk');
      return { ...fmt, dataOffset: at + 8, dataBytes: size };
    }
    if (id === 'fmt ') {
      if (at + 8 + 16 > head.length) return null;
      let formatTag = view.getUint16(at + 8, true);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
      if (formatTag === 0xfffe && size >= 40) {
        if (at + 8 + 26 > head.length) return null;
        formatTag = view.getUint16(at + 8 + 24, true);
      }
      fmt = { formatTag, channels: view.getUint16(at + 10, true), sampleRateHz: view.getUint32(at + 12, true), bitsPerSample: view.getUint16(at + 22, true) };
    }
    // Chunks are padded to an even size.
    at += 8 + size + (size % 2);
  }
  return null;
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}
