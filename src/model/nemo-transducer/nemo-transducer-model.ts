import * as ort from 'onnxruntime-node';
import { FbankComputer, NEMO_TRANSDUCER_FBANK_OPTIONS, type Features } from '../../features/fbank';
import { perFeatureStats, toChannelsFirst } from '../../features/normalize';
import type { DecodedToken } from '../decoded-token';
import type { ModelDecoding } from '../decoding';
import type { ModelLayout } from '../model-layout';
import { readModelFolderMetadata } from '../model-folder-metadata';
import { createSession, output, tensor, type ExecutionProvider, type SessionOptions } from '../ort-session';
import { TokenTable } from '../tokens';
import { nemoRnntGreedyDecode, nemoTdtGreedyDecode, type NemoTransducerStepper } from './nemo-transducer-greedy-decoder';
import { readNemoTransducerConfig, type NemoTransducerConfig } from './nemo-transducer-config';

/** The LSTM prediction network's state: h and c, each (pred_rnn_layers × 1 × pred_hidden). */
export interface PredictionState {
  h: ort.Tensor;
  c: ort.Tensor;
}

/** Encoder output of one utterance, channels first as NeMo gives it: (encoderDim × numFrames). */
interface EncoderFrames {
  data: Float32Array;
  numFrames: number;
  dim: number;
}

/**
 * A NeMo transducer (RNN-T or TDT: Parakeet, FastConformer) in sherpa-onnx's layout, run as sherpa-onnx runs it:
 * encoder `audio_signal` (1 × featDim × T) float + `length` (1) int64 → (1 × D × T') + lengths;
 * decoder `targets` (1 × 1) int32 + `target_length` (1) int32 + LSTM states → (1 × H × 1) + length + states;
 * joiner (1 × D × 1), (1 × H × 1) → (1 × 1 × 1 × K) logits, K = vocab (+ durations for TDT). Inputs and outputs
 * are taken by position, as sherpa-onnx does; the blank is the last token. It decodes greedily: the service's
 * beam search (LM, hotwords) is written for stateless decoders whose output depends on the last tokens alone.
 */
export class NemoTransducerModel {
  readonly kind = 'nemo-transducer';
  readonly tokens: TokenTable;
  readonly provider: ExecutionProvider;
  readonly metadata: Readonly<Record<string, string>>;
  /** Always greedy (see the class comment), whatever DECODING_METHOD asks for. */
  readonly decoding: ModelDecoding = { method: 'greedy_search', beamSize: 1 };
  readonly config: NemoTransducerConfig;
  private readonly fbank: FbankComputer;

  private constructor(
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    private readonly joiner: ort.InferenceSession,
    provider: ExecutionProvider,
    metadata: Record<string, string>,
    tokens: TokenTable,
  ) {
    this.provider = provider;
    this.metadata = metadata;
    this.tokens = tokens;
    const encoderInput = (encoder.inputMetadata[0] as { shape?: (number | string)[] }).shape;
    const joinerOutput = (joiner.outputMetadata[0] as { shape?: (number | string)[] }).shape;
    this.config = readNemoTransducerConfig(metadata, tokens, {
      featureDim: typeof encoderInput?.[1] === 'number' ? encoderInput[1] : undefined,
      joinerOutputDim: typeof joinerOutput?.at(-1) === 'number' ? (joinerOutput.at(-1) as number) : undefined,
    });
    this.fbank = new FbankComputer({ ...NEMO_TRANSDUCER_FBANK_OPTIONS, numMelBins: this.config.featureDim });
  }

  static async load(layout: Extract<ModelLayout, { kind: 'nemo-transducer' }>, options: SessionOptions): Promise<NemoTransducerModel> {
    // As sherpa-onnx: the encoder carries the model's metadata. Sessions load from the files' paths: a fp32
    // Parakeet encoder keeps its weights beside it (`encoder.weights`), and is too big to copy through JavaScript.
    const metadata = { ...readModelFolderMetadata(layout.encoderPath) };
    const encoder = await createSession(layout.encoderPath, options);
    const decoder = await createSession(layout.decoderPath, options);
    const joiner = await createSession(layout.joinerPath, options);
    const tokens = TokenTable.load(layout.tokensPath);
    return new NemoTransducerModel(encoder.session, decoder.session, joiner.session, encoder.provider, metadata, tokens);
  }

  /** Where this model's features are computed ('js' only when the WebAssembly module cannot load). */
  get featureEngine(): 'wasm' | 'js' {
    return this.fbank.engine;
  }

  /** Seconds per encoder output frame (10 ms feature shift × subsampling). */
  get frameSec(): number {
    return 0.01 * this.config.subsamplingFactor;
  }

  /** Log-mel features channels first (D × T), normalized as the model's `normalize_type` says: the encoder's input. */
  computeFeatures(samples: Float32Array): Features {
    return this.fbank.computeChannelsFirst(samples, this.config.normalizeType === 'per_feature');
  }

  /** Decodes features greedily (RNN-T or TDT, as the model is); no LM or hotwords (see the class comment). */
  async decode(features: Features): Promise<DecodedToken[]> {
    if (features.numFrames === 0) return [];
    const frames = await this.runEncoder(features);
    const stepper = this.stepper(frames);
    return this.config.isTdt ? nemoTdtGreedyDecode(stepper, frames.numFrames) : nemoRnntGreedyDecode(stepper, frames.numFrames);
  }

  private async runEncoder(features: Features): Promise<EncoderFrames> {
    const { numFrames, dim } = features;
    const channels =
      features.layout === 'channels'
        ? features.data
        : toChannelsFirst(features, this.config.normalizeType === 'per_feature' ? perFeatureStats(features) : undefined);
    const [signalName, lengthName] = this.encoder.inputNames;
    const results = await this.encoder.run({
      [signalName]: tensor('float32', channels, [1, dim, numFrames]),
      [lengthName]: tensor('int64', BigInt64Array.of(BigInt(numFrames)), [1]),
    });
    const out = results[this.encoder.outputNames[0]] as ort.Tensor;
    const lens = (results[this.encoder.outputNames[1]] as ort.Tensor).data as BigInt64Array | Int32Array;
    const [, encoderDim, outFrames] = out.dims;
    return { data: out.data as Float32Array, numFrames: Math.min(outFrames, Number(lens[0])), dim: encoderDim };
  }

  /** The greedy decoders' view of this model over one utterance's encoder output. */
  private stepper(frames: EncoderFrames): NemoTransducerStepper<PredictionState> {
    const { layers, hidden, vocabSize, blankId } = this.config;
    const totalFrames = frames.data.length / frames.dim;
    const column = new Float32Array(frames.dim);
    return {
      vocabSize,
      blankId,
      initialState: () => ({
        h: tensor('float32', new Float32Array(layers * hidden), [layers, 1, hidden]),
        c: tensor('float32', new Float32Array(layers * hidden), [layers, 1, hidden]),
      }),
      runDecoder: async (token, state) => {
        const [targets, targetLength, h, c] = this.decoder.inputNames;
        const results = await this.decoder.run({
          [targets]: new ort.Tensor('int32', Int32Array.of(token), [1, 1]),
          [targetLength]: new ort.Tensor('int32', Int32Array.of(1), [1]),
          [h]: state.h,
          [c]: state.c,
        });
        const names = this.decoder.outputNames;
        return {
          decoderOut: output(results, this.decoder, names[0]).data as Float32Array,
          state: { h: results[names[2]] as ort.Tensor, c: results[names[3]] as ort.Tensor },
        };
      },
      runJoiner: async (frame, decoderOut) => {
        for (let d = 0; d < frames.dim; d++) column[d] = frames.data[d * totalFrames + frame];
        const [encName, decName] = this.joiner.inputNames;
        const results = await this.joiner.run({
          [encName]: tensor('float32', column, [1, frames.dim, 1]),
          [decName]: tensor('float32', decoderOut, [1, decoderOut.length, 1]),
        });
        return output(results, this.joiner, this.joiner.outputNames[0]).data as Float32Array;
      },
    };
  }
}
