import { readFileSync } from 'node:fs';
import type * as ort from 'onnxruntime-node';
import { FbankComputer, KALDI_FBANK_OPTIONS, type Features } from '../../features/fbank';
import type { DecodedToken } from '../decoded-token';
import { GREEDY_DECODING, type DecodingConfig, type ModelDecoding } from '../decoding';
import type { OnlineAcousticModel } from '../online-acoustic-model';
import { readOnnxMetadata } from '../onnx-metadata';
import { createSession, output, tensor, type ExecutionProvider, type SessionOptions } from '../ort-session';
import { TokenTable } from '../tokens';
import { OnlineFeatureStream } from './online-feature-stream';
import type { OnlineTransducerLayout } from './online-transducer-layout';
import { emptyGreedyResult, onlineGreedySearch } from './online-transducer-greedy-search';
import { OnlineTransducerStream, TAIL_PADDING_SEC, type OnlineTransducerRunner } from './online-transducer-stream';
import { parseZipformer2EncoderConfig, zipformer2InitialStates, type Zipformer2EncoderConfig } from './zipformer2-encoder-config';

/**
 * A streaming Zipformer2 transducer in sherpa-onnx's layout (OnlineZipformer2TransducerModel): the encoder takes
 * `x` (1 × T × 80) and its caches, and returns `encoder_out` (1 × T' × C) and the next caches, in input order;
 * decoder `y` (1 × context_size) → `decoder_out`; joiner (`encoder_out`, `decoder_out`) → `logit`. Features are
 * sherpa-onnx's online fbank (80 bins, no normalization); decoding is greedy search carried across chunks.
 * Besides streams (`createStream`), it decodes whole utterances the way sherpa-onnx's online recognizer decodes a
 * file: the samples and 0.66 s of tail padding, chunk by chunk from fresh caches.
 */
export class OnlineTransducerModel implements OnlineAcousticModel, OnlineTransducerRunner {
  readonly kind = 'online-transducer';
  readonly decoding: ModelDecoding = { method: 'greedy_search', beamSize: 1 };
  /** Encoder frames are 4 feature frames (sherpa-onnx's online transducer results assume it too). */
  readonly frameSec = 0.04;
  readonly contextSize: number;
  readonly blankId: number;
  readonly unkId: number;
  readonly chunkFrames: number;
  readonly chunkShiftFrames: number;
  private readonly fbank = new FbankComputer(KALDI_FBANK_OPTIONS);

  private constructor(
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    private readonly joiner: ort.InferenceSession,
    readonly provider: ExecutionProvider,
    readonly metadata: Readonly<Record<string, string>>,
    readonly tokens: TokenTable,
    private readonly encoderConfig: Zipformer2EncoderConfig,
  ) {
    this.contextSize = Number(metadata.context_size ?? 2);
    this.blankId = tokens.blankId;
    this.unkId = tokens.symbols.indexOf('<unk>');
    this.chunkFrames = encoderConfig.chunkFrames;
    this.chunkShiftFrames = encoderConfig.chunkShiftFrames;
  }

  /** Loads the three sessions; beam search is not offered for streams yet, so decoding is greedy whatever is asked. */
  static async load(layout: OnlineTransducerLayout, options: SessionOptions, _decoding: Readonly<DecodingConfig> = GREEDY_DECODING): Promise<OnlineTransducerModel> {
    const [enc, dec, join] = [layout.encoderPath, layout.decoderPath, layout.joinerPath].map((p) => readFileSync(p));
    const encoderMetadata = readOnnxMetadata(enc);
    const config = parseZipformer2EncoderConfig(encoderMetadata);
    const metadata = { ...readOnnxMetadata(join), ...encoderMetadata, ...readOnnxMetadata(dec) };
    const encoder = await createSession(enc, options);
    const decoder = await createSession(dec, options);
    const joiner = await createSession(join, options);
    const expectedInputs = 1 + 6 * config.stacks.reduce((n, s) => n + s.layers, 0) + 2;
    if (encoder.session.inputNames.length !== expectedInputs) {
      throw new Error(`${layout.encoderPath}: expected ${expectedInputs} encoder inputs (x and the caches its metadata describes), found ${encoder.session.inputNames.length}`);
    }
    return new OnlineTransducerModel(encoder.session, decoder.session, joiner.session, encoder.provider, metadata, TokenTable.load(layout.tokensPath), config);
  }

  get featureEngine(): 'wasm' | 'js' {
    return this.fbank.engine;
  }

  /** The features of the samples followed by the tail padding (what a stream that ends after them decodes). */
  computeFeatures(samples: Float32Array): Features {
    const padded = new Float32Array(samples.length + Math.round(TAIL_PADDING_SEC * 16000));
    padded.set(samples);
    return this.fbank.compute(padded);
  }

  /** Decodes an utterance's features (from `computeFeatures`) chunk by chunk from fresh caches. */
  async decode(features: Features): Promise<DecodedToken[]> {
    let states = this.initialStates();
    const result = emptyGreedyResult(this.contextSize, this.blankId);
    const { dim, data } = features;
    for (let start = 0; start + this.chunkFrames < features.numFrames; start += this.chunkShiftFrames) {
      const out = await this.runEncoderChunk(data.subarray(start * dim, (start + this.chunkFrames) * dim), states);
      states = out.states;
      await onlineGreedySearch(this, result, out.encoderOut, out.numFrames, out.encoderDim);
    }
    return result.emitted;
  }

  createStream(): OnlineTransducerStream {
    return new OnlineTransducerStream(this, new OnlineFeatureStream(this.fbank));
  }

  initialStates(): ort.Tensor[] {
    return zipformer2InitialStates(this.encoderConfig, KALDI_FBANK_OPTIONS.numMelBins);
  }

  async runEncoderChunk(features: Float32Array, states: ort.Tensor[]): Promise<{ encoderOut: Float32Array; numFrames: number; encoderDim: number; states: ort.Tensor[] }> {
    const { inputNames, outputNames } = this.encoder;
    const feeds: Record<string, ort.Tensor> = { [inputNames[0]]: tensor('float32', features, [1, this.chunkFrames, KALDI_FBANK_OPTIONS.numMelBins]) };
    states.forEach((state, i) => (feeds[inputNames[i + 1]] = state));
    const results = await this.encoder.run(feeds);
    const encoderOut = results[outputNames[0]] as ort.Tensor;
    const [, numFrames, encoderDim] = encoderOut.dims;
    return {
      // Copied out of ort's buffer: the joiner takes subarray views of it.
      encoderOut: new Float32Array(encoderOut.data as Float32Array),
      numFrames,
      encoderDim,
      states: outputNames.slice(1).map((name) => results[name] as ort.Tensor),
    };
  }

  async runDecoder(context: BigInt64Array): Promise<Float32Array> {
    const results = await this.decoder.run({ [this.decoder.inputNames[0]]: tensor('int64', context.slice(), [1, this.contextSize]) });
    return output(results, this.decoder, 'decoder_out').data as Float32Array;
  }

  async runJoiner(encoderFrames: Float32Array, numFrames: number, decoderOut: Float32Array): Promise<Float32Array> {
    const dim = decoderOut.length;
    const decoderRows = new Float32Array(numFrames * dim);
    for (let j = 0; j < numFrames; j++) decoderRows.set(decoderOut, j * dim);
    const [encName, decName] = this.joiner.inputNames;
    const results = await this.joiner.run({
      [encName]: tensor('float32', encoderFrames, [numFrames, encoderFrames.length / numFrames]),
      [decName]: tensor('float32', decoderRows, [numFrames, dim]),
    });
    return output(results, this.joiner, 'logit').data as Float32Array;
  }
}
