/**
 * Reads an ONNX model's `metadata_props` (ModelProto field 14: key/value strings) without loading the model:
 * a minimal protobuf walk over the top-level fields, skipping the (large) graph payload. onnxruntime-node
 * does not expose custom metadata, and sherpa-onnx layouts keep essentials there (vocab_size, context_size,
 * subsampling_factor, normalize_type).
 */
function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new RangeError('truncated varint');
    const byte = buf[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7;
    if (shift > 63) throw new RangeError('varint too long');
  }
}

const decoder = new TextDecoder();

function parseStringPair(buf: Uint8Array): [string, string] {
  let key = '';
  let value = '';
  let pos = 0;
  while (pos < buf.length) {
    const [tag, afterTag] = readVarint(buf, pos);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire !== 2) throw new RangeError('unexpected wire type in metadata entry');
    const [len, start] = readVarint(buf, afterTag);
    const text = decoder.decode(buf.subarray(start, start + len));
    if (field === 1) key = text;
    else if (field === 2) value = text;
    pos = start + len;
  }
  return [key, value];
}

export function readOnnxMetadata(model: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < model.length) {
    const [tag, afterTag] = readVarint(model, pos);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    switch (wire) {
      case 0:
        pos = readVarint(model, afterTag)[1];
        break;
      case 1:
        pos = afterTag + 8;
        break;
      case 5:
        pos = afterTag + 4;
        break;
      case 2: {
        const [len, start] = readVarint(model, afterTag);
        if (start + len > model.length) throw new RangeError('truncated ONNX file');
        if (field === 14) {
          const [k, v] = parseStringPair(model.subarray(start, start + len));
          out[k] = v;
        }
        pos = start + len;
        break;
      }
      default:
        throw new RangeError(`unsupported protobuf wire type ${wire}`);
    }
  }
  return out;
}
