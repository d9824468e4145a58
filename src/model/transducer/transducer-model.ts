import { readFileSync } from 'node:fs';
import type * as ort from 'onnxruntime-node';
import { FbankComputer, KALDI_FBANK_OPTIONS, type Features } from '../../features/fbank';
import type { DecodedToken } from '../decoded-token';
import { readOnnxMetadata } from '../onnx-metadata';
import { createSession, output, tensor, type ExecutionProvider, type SessionOptions } from '../ort-session';
import { TokenTable } from '../tokens';
import { transducerGreedyDecode, type TransducerStepper } from './transducer-greedy-decoder';

export interface TransducerPaths {
  encoderPath: string;
  decoderPath: string;
  joinerPath: string;
  tokensPath: string;
}

/**
 * An offline transducer in sherpa-onnx's (icefall/Zipformer) layout:
 * encoder `x` (1 × T × 80), `x_lens` (1) → `encoder_out` (1 × T' × C), `encoder_out_lens`;
 * decoder `y` (1 × context_size) int64 → `decoder_out` (1 × C); joiner (`encoder_out`, `decoder_out`) → `logit` (1 × vocab).
 * The decoder's metadata carries `context_size`; blank is id 0.
 */
export class TransducerModel implements TransducerStepper {
  readonly kind = 'transducer';
  readonly tokens: TokenTable;
  readonly contextSize: number;
  readonly blankId: number;
  readonly unkId: number;
  readonly provider: ExecutionProvider;
  readonly metadata: Readonly<Record<string, string>>;
  /** Feature frames per encoder frame; learned from the first run when the metadata does not say. */
  subsamplingFactor: number;
  private readonly fbank = new FbankComputer(KALDI_FBANK_OPTIONS);

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
    this.contextSize = Number(metadata.context_size ?? 2);
    this.blankId = tokens.blankId;
    this.unkId = tokens.symbols.indexOf('<unk>');
    this.subsamplingFactor = Number(metadata.subsampling_factor ?? 4);
  }

  static async load(paths: TransducerPaths, options: SessionOptions): Promise<TransducerModel> {
    const [enc, dec, join] = [paths.encoderPath, paths.decoderPath, paths.joinerPath].map((p) => readFileSync(p));
    const metadata = { ...readOnnxMetadata(join), ...readOnnxMetadata(enc), ...readOnnxMetadata(dec) };
    const encoder = await createSession(enc, options);
    const decoder = await createSession(dec, options);
    const joiner = await createSession(join, options);
    return new TransducerModel(encoder.session, decoder.session, joiner.session, encoder.provider, metadata, TokenTable.load(paths.tokensPath));
  }

  get frameSec(): number {
    return 0.01 * this.subsamplingFactor;
  }

  computeFeatures(samples: Float32Array): Features {
    return this.fbank.compute(samples);
  }

  async runDecoder(context: BigInt64Array): Promise<Float32Array> {
    const results = await this.decoder.run({ [this.decoder.inputNames[0]]: tensor('int64', context, [1, this.contextSize]) });
    return output(results, this.decoder, 'decoder_out').data as Float32Array;
  }

  async runJoiner(encoderFrame: Float32Array, decoderOut: Float32Array): Promise<Float32Array> {
    const [encName, decName] = this.joiner.inputNames;
    const results = await this.joiner.run({
      [encName]: tensor('float32', encoderFrame, [1, encoderFrame.length]),
      [decName]: tensor('float32', decoderOut, [1, decoderOut.length]),
    });
    return output(results, this.joiner, 'logit').data as Float32Array;
  }

  async decode(features: Features): Promise<DecodedToken[]> {
    const { numFrames, dim, data } = features;
    if (numFrames === 0) return [];
    const [xName, lensName] = this.encoder.inputNames;
    const results = await this.encoder.run({
      [xName]: tensor('float32', data, [1, numFrames, dim]),
      [lensName]: tensor('int64', BigInt64Array.of(BigInt(numFrames)), [1]),
    });
    const encoderOut = output(results, this.encoder, 'encoder_out');
    const lens = output(results, this.encoder, 'encoder_out_lens', 1).data as BigInt64Array;
    const [, frames, encoderDim] = encoderOut.dims;
    const validFrames = Math.min(frames, Number(lens[0]));
    if (this.metadata.subsampling_factor === undefined && validFrames > 0) {
      this.subsamplingFactor = Math.max(1, Math.round(numFrames / validFrames));
    }
    // Copy out of ort's buffer: the joiner takes subarray views of it.
    return transducerGreedyDecode(this, new Float32Array(encoderOut.data as Float32Array), validFrames, encoderDim);
  }
}
