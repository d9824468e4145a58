import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readOnnxMetadata } from './onnx-metadata';

/** Reads `length` bytes at `position` of an open file. */
function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n);
}

function varintAt(fd: number, position: number): [value: number, next: number] {
  const head = readAt(fd, position, 10);
  let value = 0;
  for (let i = 0; i < head.length; i++) {
    value += (head[i] & 0x7f) * 2 ** (7 * i);
    if ((head[i] & 0x80) === 0) return [value, position + i + 1];
  }
  throw new RangeError('truncated varint');
}

/**
 * The ONNX metadata of a model file, for layout detection, read with positioned reads that skip the graph (a
 * Parakeet encoder is hundreds of MB): only the top-level fields' tags and the metadata entries themselves are
 * read. {} when the file is not a readable ONNX model: a detector then decides by file names alone.
 */
export function readModelFolderMetadata(file: string): Readonly<Record<string, string>> {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const entries: Buffer[] = [];
    let pos = 0;
    while (pos < size) {
      const [tag, afterTag] = varintAt(fd, pos);
      const wire = tag & 7;
      if (wire === 0) pos = varintAt(fd, afterTag)[1];
      else if (wire === 1) pos = afterTag + 8;
      else if (wire === 5) pos = afterTag + 4;
      else if (wire === 2) {
        const [len, start] = varintAt(fd, afterTag);
        if (start + len > size) return {};
        // field 14: one metadata_props entry; re-encode it for readOnnxMetadata (tag 0x72 = field 14, wire 2)
        if (tag >>> 3 === 14) entries.push(Buffer.concat([readAt(fd, pos, start - pos), readAt(fd, start, len)]));
        pos = start + len;
      } else return {};
    }
    return readOnnxMetadata(Buffer.concat(entries));
  } catch {
    return {};
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
