import { featureBatch } from '../feature-batch';
import { readFileSync } from 'node:fs';
import type * as ort from 'onnxruntime-node';
import { FbankComputer, KALDI_FBANK_OPTIONS, type Features } from '../../features/fbank';
import type { DecodedToken } from '../decoded-token';
import { readOnnxMetadata } from '../onnx-metadata';
import { createSession, output, tensor, type ExecutionProvider, type SessionOptions } from '../ort-session';
import { TokenTable } from '../tokens';
import { GREEDY_DECODING, resolveDecoding, textScorerFor, type DecodingConfig, type ModelDecoding, type TextContext } from '../decoding';
import type { ModelLayout } from '../model-layout';
import { transducerModifiedBeamSearch, type TransducerBeamStepper } from './transducer-beam-search';
import { transducerGreedyDecode, type TransducerStepper } from './transducer-greedy-decoder';

/**
 * An offline transducer in sherpa-onnx's (icefall/Zipformer) layout:
 * encoder `x` (1 × T × 80), `x_lens` (1) → `encoder_out` (1 × T' × C), `encoder_out_lens`;
 * decoder `y` (1 × context_size) int64 → `decoder_out` (1 × C); joiner (`encoder_out`, `decoder_out`) → `logit` (1 × vocab).
 * The decoder's metadata carries `context_size`; blank is id 0.
 */
export class TransducerModel implements TransducerStepper, TransducerBeamStepper {
  readonly kind = 'transducer';
  readonly tokens: TokenTable;
  readonly contextSize: number;
  readonly blankId: number;
  readonly unkId: number;
  readonly provider: ExecutionProvider;
  readonly metadata: Readonly<Record<string, string>>;
  readonly decoding: ModelDecoding;
  /** Feature frames per encoder frame; learned from the first run when the metadata does not say. */
  subsamplingFactor: number;
  private readonly fbank = new FbankComputer(KALDI_FBANK_OPTIONS);
  private readonly decoderCache = new Map<string, Float32Array>();
  /** About 16 MB of cached decoder outputs at most, whatever the decoder's width. */
  private readonly decoderCacheEntries: number;

  private constructor(
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    private readonly joiner: ort.InferenceSession,
    provider: ExecutionProvider,
    metadata: Record<string, string>,
    tokens: TokenTable,
    decoding: ModelDecoding,
  ) {
    this.decoding = decoding;
    this.provider = provider;
    this.metadata = metadata;
    this.tokens = tokens;
    this.contextSize = Number(metadata.context_size ?? 2);
    this.blankId = tokens.blankId;
    this.unkId = tokens.symbols.indexOf('<unk>');
    this.subsamplingFactor = Number(metadata.subsampling_factor ?? 4);
    const decoderDim = Number((decoder.outputMetadata[0] as { shape?: (number | string)[] }).shape?.[1]) || 512;
    this.decoderCacheEntries = Math.max(256, Math.floor((16 * 1024 * 1024) / (4 * decoderDim)));
  }

  static async load(
    paths: Extract<ModelLayout, { kind: 'transducer' }>,
    options: SessionOptions,
    decoding: Readonly<DecodingConfig> = GREEDY_DECODING,
  ): Promise<TransducerModel> {
    const [enc, dec, join] = [paths.encoderPath, paths.decoderPath, paths.joinerPath].map((p) => readFileSync(p));
    const metadata = { ...readOnnxMetadata(join), ...readOnnxMetadata(enc), ...readOnnxMetadata(dec) };
    const encoder = await createSession(enc, options);
    const decoder = await createSession(dec, options);
    const joiner = await createSession(join, options);
    const tokens = TokenTable.load(paths.tokensPath);
    return new TransducerModel(encoder.session, decoder.session, joiner.session, encoder.provider, metadata, tokens, resolveDecoding(paths, decoding, tokens));
  }

  /** Where this model's features are computed ('js' only when the WebAssembly module cannot load). */
  get featureEngine(): 'wasm' | 'js' {
    return this.fbank.engine;
  }

  get frameSec(): number {
    return 0.01 * this.subsamplingFactor;
  }

  computeFeatures(samples: Float32Array): Features {
    return this.fbank.compute(samples);
  }

  /**
   * The prediction network's output for a context. A stateless decoder's output depends on the context alone,
   * so outputs are cached (bounded, least recently used first out): frequent contexts skip the run entirely.
   */
  async runDecoder(context: BigInt64Array): Promise<Float32Array> {
    const key = context.join(',');
    const cached = this.decoderCache.get(key);
    if (cached) {
      this.decoderCache.delete(key);
      this.decoderCache.set(key, cached);
      return cached;
    }
    const results = await this.decoder.run({ [this.decoder.inputNames[0]]: tensor('int64', context.slice(), [1, this.contextSize]) });
    const out = output(results, this.decoder, 'decoder_out').data as Float32Array;
    if (this.decoderCache.size >= this.decoderCacheEntries) this.decoderCache.delete(this.decoderCache.keys().next().value!);
    this.decoderCache.set(key, out);
    return out;
  }

  async runJoiner(encoderFrames: Float32Array, numFrames: number, decoderOut: Float32Array): Promise<Float32Array> {
    const dim = decoderOut.length;
    const decoderRows = new Float32Array(numFrames * dim);
    for (let j = 0; j < numFrames; j++) decoderRows.set(decoderOut, j * dim);
    return this.runJoinerPairs(encoderFrames, decoderRows, numFrames);
  }

  async runJoinerPairs(encoderRows: Float32Array, decoderRows: Float32Array, rows: number): Promise<Float32Array> {
    const [encName, decName] = this.joiner.inputNames;
    const results = await this.joiner.run({
      [encName]: tensor('float32', encoderRows, [rows, encoderRows.length / rows]),
      [decName]: tensor('float32', decoderRows, [rows, decoderRows.length / rows]),
    });
    return output(results, this.joiner, 'logit').data as Float32Array;
  }

  /** Decodes features; with beam search, `text` adds the request's hotwords and preceding text (see TextContext). */
  async decode(features: Features, text?: TextContext): Promise<DecodedToken[]> {
    return (await this.decodeBatch([features], [text]))[0];
  }

  /**
   * Decodes utterances with one encoder run: features zero-padded to the longest (N × T × 80) with each
   * item's frame count in `x_lens`, so the encoder masks the padding; each item's `encoder_out` is cut to its
   * own `encoder_out_lens` and searched alone (decoder and joiner per item). One item is exactly `decode`.
   */
  async decodeBatch(items: readonly Features[], texts: readonly (TextContext | undefined)[]): Promise<DecodedToken[][]> {
    const results: DecodedToken[][] = items.map(() => []);
    const batch = featureBatch(items);
    if (!batch) return results;
    const { live, dim, maxFrames } = batch;
    let x: Float32Array;
    if (live.length === 1) x = items[live[0]].data;
    else {
      x = new Float32Array(live.length * maxFrames * dim);
      live.forEach((i, b) => x.set(items[i].data.subarray(0, items[i].numFrames * dim), b * maxFrames * dim));
    }
    const [xName, lensName] = this.encoder.inputNames;
    const outputs = await this.encoder.run({
      [xName]: tensor('float32', x, [live.length, maxFrames, dim]),
      [lensName]: tensor('int64', batch.lengths, [live.length]),
    });
    const encoderOut = output(outputs, this.encoder, 'encoder_out');
    const lens = output(outputs, this.encoder, 'encoder_out_lens', 1).data as BigInt64Array;
    const [, frames, encoderDim] = encoderOut.dims;
    const all = encoderOut.data as Float32Array;
    for (let b = 0; b < live.length; b++) {
      const i = live[b];
      const validFrames = Math.min(frames, Number(lens[b]));
      if (this.metadata.subsampling_factor === undefined && validFrames > 0) {
        this.subsamplingFactor = Math.max(1, Math.round(items[i].numFrames / validFrames));
      }
      // Copy out of ort's buffer: the joiner takes subarray views of it.
      const frames32 = all.slice(b * frames * encoderDim, (b + 1) * frames * encoderDim);
      results[i] = await this.search(frames32, validFrames, encoderDim, texts[i]);
    }
    return results;
  }

  private search(frames32: Float32Array, validFrames: number, encoderDim: number, text: TextContext | undefined): Promise<DecodedToken[]> {
    if (this.decoding.method === 'beam_search') {
      const lm = textScorerFor(this.decoding, this.tokens, text);
      return transducerModifiedBeamSearch(this, frames32, validFrames, encoderDim, { beamSize: this.decoding.beamSize, lm });
    }
    return transducerGreedyDecode(this, frames32, validFrames, encoderDim);
  }
}
