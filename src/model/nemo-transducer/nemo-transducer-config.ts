import type { TokenTable } from '../tokens';

/** What a NeMo transducer's encoder metadata and tensor shapes say, checked as sherpa-onnx checks them. */
export interface NemoTransducerConfig {
  /** Tokens including the blank: the metadata's `vocab_size` + 1 (NeMo counts without the blank). */
  vocabSize: number;
  /** The blank, always the last token (`<blk>`). */
  blankId: number;
  /** Feature frames (10 ms) per encoder frame. */
  subsamplingFactor: number;
  /** Mel bins: `feat_dim` when the metadata has it, else the encoder input's fixed width, else 80. */
  featureDim: number;
  /** 'per_feature' or '' (none; NeMo's "NA"). */
  normalizeType: '' | 'per_feature';
  /** The LSTM prediction network's layers and width (`pred_rnn_layers`, `pred_hidden`). */
  layers: number;
  hidden: number;
  /** Token-and-duration transducer: sherpa-onnx takes a model for TDT when its `url` contains "tdt". */
  isTdt: boolean;
  /** Duration logits after the token logits (0 for RNN-T); known when the joiner's output width is fixed. */
  numDurations?: number;
}

/** Shapes read from the ONNX sessions (undefined where a dimension is symbolic). */
export interface NemoTransducerShapes {
  featureDim?: number;
  joinerOutputDim?: number;
}

function requiredInt(metadata: Readonly<Record<string, string>>, key: string): number {
  const value = Number(metadata[key]);
  if (metadata[key] === undefined || !Number.isInteger(value) || value <= 0) {
    throw new Error(`NeMo transducer: the encoder's metadata needs a positive integer "${key}" (got ${JSON.stringify(metadata[key])})`);
  }
  return value;
}

/** Reads and checks a NeMo transducer's configuration; throws naming the mismatch when sherpa-onnx would refuse it. */
export function readNemoTransducerConfig(metadata: Readonly<Record<string, string>>, tokens: TokenTable, shapes: NemoTransducerShapes = {}): NemoTransducerConfig {
  const vocabSize = requiredInt(metadata, 'vocab_size') + 1;
  const subsamplingFactor = requiredInt(metadata, 'subsampling_factor');
  const layers = requiredInt(metadata, 'pred_rnn_layers');
  const hidden = requiredInt(metadata, 'pred_hidden');
  if (Number(metadata.is_giga_am ?? 0) !== 0) throw new Error('NeMo transducer: GigaAM models (is_giga_am=1) are not supported');
  const normalize = metadata.normalize_type === 'NA' ? '' : (metadata.normalize_type ?? '');
  if (normalize !== '' && normalize !== 'per_feature') throw new Error(`NeMo transducer: normalize_type "${normalize}" is not supported (per_feature or none)`);
  const blankId = vocabSize - 1;
  if (tokens.symbols[blankId] !== '<blk>' || tokens.size !== vocabSize) {
    throw new Error(`NeMo transducer: tokens.txt must have vocab_size + 1 = ${vocabSize} symbols with <blk> last (it has ${tokens.size}, the last "${tokens.symbols.at(-1)}")`);
  }
  const featDim = Number(metadata.feat_dim ?? -1);
  const featureDim = featDim > 0 ? featDim : (shapes.featureDim ?? 80);
  const isTdt = (metadata.url ?? '').includes('tdt');
  const out = shapes.joinerOutputDim;
  if (out !== undefined && isTdt && out <= vocabSize) throw new Error(`NeMo transducer: the url says TDT but the joiner gives ${out} logits for ${vocabSize} tokens (no durations)`);
  if (out !== undefined && !isTdt && out !== vocabSize) throw new Error(`NeMo transducer: the joiner gives ${out} logits for ${vocabSize} tokens`);
  return {
    vocabSize,
    blankId,
    subsamplingFactor,
    featureDim,
    normalizeType: normalize,
    layers,
    hidden,
    isTdt,
    ...(out !== undefined ? { numDurations: out - vocabSize } : {}),
  };
}
