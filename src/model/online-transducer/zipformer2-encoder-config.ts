import type * as ort from 'onnxruntime-node';
import { tensor } from '../ort-session';

/**
 * A streaming Zipformer2 encoder's shape, from its ONNX metadata (icefall's zipformer/export-onnx-streaming.py
 * writes it; sherpa-onnx's OnlineZipformer2TransducerModel reads the same keys). Comma-separated lists have one
 * entry per encoder stack.
 */
export interface Zipformer2EncoderConfig {
  /** Feature frames the encoder takes per run (`T`: the chunk plus its right context). */
  chunkFrames: number;
  /** Feature frames a run advances (`decode_chunk_len`); the next chunk starts this many frames later. */
  chunkShiftFrames: number;
  stacks: Zipformer2Stack[];
}

export interface Zipformer2Stack {
  /** Layers in this stack (`num_encoder_layers`). */
  layers: number;
  /** `encoder_dims`. */
  dim: number;
  /** `query_head_dims` × `num_heads`. */
  keyDim: number;
  /** `value_head_dims` × `num_heads`. */
  valueDim: number;
  /** `cnn_module_kernels`. */
  kernel: number;
  /** Frames of attention left context cached, at this stack's frame rate (`left_context_len`). */
  leftContext: number;
}

/** The metadata keys a streaming Zipformer2 encoder must have (beside `model_type=zipformer2`). */
export const ZIPFORMER2_STREAMING_KEYS = [
  'encoder_dims',
  'query_head_dims',
  'value_head_dims',
  'num_heads',
  'num_encoder_layers',
  'cnn_module_kernels',
  'left_context_len',
  'T',
  'decode_chunk_len',
] as const;

function list(metadata: Readonly<Record<string, string>>, key: string): number[] {
  const raw = metadata[key];
  const values = raw === undefined ? [] : raw.split(',').map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 0)) throw new Error(`encoder metadata "${key}" is missing or not a list of integers (got ${JSON.stringify(raw)})`);
  return values;
}

export function parseZipformer2EncoderConfig(metadata: Readonly<Record<string, string>>): Zipformer2EncoderConfig {
  const [chunkFrames] = list(metadata, 'T');
  const [chunkShiftFrames] = list(metadata, 'decode_chunk_len');
  const dims = list(metadata, 'encoder_dims');
  const field = (key: string) => {
    const values = list(metadata, key);
    if (values.length !== dims.length) throw new Error(`encoder metadata "${key}" has ${values.length} entries; encoder_dims has ${dims.length}`);
    return values;
  };
  const [layers, queryHeadDims, valueHeadDims, heads, kernels, leftContext] = ['num_encoder_layers', 'query_head_dims', 'value_head_dims', 'num_heads', 'cnn_module_kernels', 'left_context_len'].map(field);
  if (chunkShiftFrames === 0 || chunkFrames < chunkShiftFrames) throw new Error(`encoder metadata: T (${chunkFrames}) must be at least decode_chunk_len (${chunkShiftFrames}) > 0`);
  return {
    chunkFrames,
    chunkShiftFrames,
    stacks: dims.map((dim, i) => ({
      layers: layers[i],
      dim,
      keyDim: queryHeadDims[i] * heads[i],
      valueDim: valueHeadDims[i] * heads[i],
      kernel: kernels[i],
      leftContext: leftContext[i],
    })),
  };
}

/**
 * The encoder's initial caches, all zeros, in its input order (sherpa-onnx's GetEncoderInitStates): per layer
 * of every stack `cached_key` (left, 1, keyDim), `cached_nonlin_attn` (1, 1, left, 3·dim/4), `cached_val1` and
 * `cached_val2` (left, 1, valueDim), `cached_conv1` and `cached_conv2` (1, dim, kernel/2); then `embed_states`
 * (1, 128, 3, ((featureDim − 1)/2 − 1)/2) and `processed_lens` (1) int64.
 */
export function zipformer2InitialStates(config: Zipformer2EncoderConfig, featureDim: number): ort.Tensor[] {
  const zeros = (dims: number[]) => tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
  const states: ort.Tensor[] = [];
  for (const s of config.stacks) {
    const nonlinDim = Math.floor((3 * s.dim) / 4);
    const convLeft = Math.floor(s.kernel / 2);
    for (let j = 0; j < s.layers; j++) {
      states.push(
        zeros([s.leftContext, 1, s.keyDim]),
        zeros([1, 1, s.leftContext, nonlinDim]),
        zeros([s.leftContext, 1, s.valueDim]),
        zeros([s.leftContext, 1, s.valueDim]),
        zeros([1, s.dim, convLeft]),
        zeros([1, s.dim, convLeft]),
      );
    }
  }
  const embedDim = Math.floor((Math.floor((featureDim - 1) / 2) - 1) / 2);
  states.push(zeros([1, 128, 3, embedDim]));
  states.push(tensor('int64', new BigInt64Array(1), [1]));
  return states;
}
