import { featureBatch } from '../feature-batch';
import { readFileSync } from 'node:fs';
import type * as ort from 'onnxruntime-node';
import { FbankComputer, NEMO_FBANK_OPTIONS, type Features } from '../../features/fbank';
import { perFeatureStats, toChannelsFirst } from '../../features/normalize';
import { readOnnxMetadata } from '../onnx-metadata';
import { createSession, output, tensor, type ExecutionProvider, type SessionOptions } from '../ort-session';
import { TokenTable } from '../tokens';
import type { DecodedToken } from '../decoded-token';
import { GREEDY_DECODING, resolveDecoding, textScorerFor, type DecodingConfig, type ModelDecoding, type TextContext } from '../decoding';
import type { ModelLayout } from '../model-layout';
import { ctcGreedyDecode } from './ctc-greedy-decoder';
import { ctcPrefixBeamSearch } from './ctc-prefix-beam-search';

/**
 * A NeMo CTC model in sherpa-onnx's layout: input `audio_signal` (1 × featDim × T) and `length` (1),
 * output `logprobs` (1 × T' × vocab); metadata `vocab_size`, `subsampling_factor`, `normalize_type`.
 */
export class CtcModel {
  readonly kind = 'nemo-ctc';
  readonly tokens: TokenTable;
  readonly subsamplingFactor: number;
  readonly normalizeType: string;
  readonly featureDim: number;
  readonly provider: ExecutionProvider;
  readonly metadata: Readonly<Record<string, string>>;
  readonly decoding: ModelDecoding;
  private readonly session: ort.InferenceSession;
  private readonly fbank: FbankComputer;

  private constructor(
    session: ort.InferenceSession,
    provider: ExecutionProvider,
    metadata: Record<string, string>,
    tokens: TokenTable,
    decoding: ModelDecoding,
  ) {
    this.session = session;
    this.decoding = decoding;
    this.provider = provider;
    this.metadata = metadata;
    this.tokens = tokens;
    this.subsamplingFactor = Number(metadata.subsampling_factor ?? 8);
    this.normalizeType = metadata.normalize_type ?? '';
    const dims = (session.inputMetadata[0] as { shape?: (number | string)[] }).shape;
    this.featureDim = typeof dims?.[1] === 'number' ? dims[1] : Number(metadata.feat_dim ?? 80);
    this.fbank = new FbankComputer({ ...NEMO_FBANK_OPTIONS, numMelBins: this.featureDim });
    const vocab = Number(metadata.vocab_size ?? tokens.size);
    if (vocab !== tokens.size) throw new Error(`vocab_size ${vocab} in the model but ${tokens.size} symbols in tokens.txt`);
  }

  static async load(
    layout: Extract<ModelLayout, { kind: 'nemo-ctc' }>,
    options: SessionOptions,
    decoding: Readonly<DecodingConfig> = GREEDY_DECODING,
  ): Promise<CtcModel> {
    const bytes = readFileSync(layout.modelPath);
    const metadata = readOnnxMetadata(bytes);
    const { session, provider } = await createSession(bytes, options);
    const tokens = TokenTable.load(layout.tokensPath);
    return new CtcModel(session, provider, metadata, tokens, resolveDecoding(layout, decoding, tokens));
  }

  /** Seconds per encoder output frame (10 ms feature shift × subsampling). */
  /** Where this model's features are computed ('js' only when the WebAssembly module cannot load). */
  get featureEngine(): 'wasm' | 'js' {
    return this.fbank.engine;
  }

  get frameSec(): number {
    return 0.01 * this.subsamplingFactor;
  }

  /** Log-mel features channels first (D × T), normalized as the model's `normalize_type` says: the model's input. */
  computeFeatures(samples: Float32Array): Features {
    return this.fbank.computeChannelsFirst(samples, this.normalizeType === 'per_feature');
  }

  /** Decodes features; with beam search, `text` adds the request's hotwords and preceding text (see TextContext). */
  async decode(features: Features, text?: TextContext): Promise<DecodedToken[]> {
    return (await this.decodeBatch([features], [text]))[0];
  }

  /**
   * Decodes utterances in one model run: channels-first features zero-padded to the longest (N × featDim × T)
   * with each item's frame count in `length`, so the model masks the padding; each item's log-probs are then
   * cut to its own valid frames and decoded alone. One item is exactly `decode`.
   */
  async decodeBatch(items: readonly Features[], texts: readonly (TextContext | undefined)[]): Promise<DecodedToken[][]> {
    const results: DecodedToken[][] = items.map(() => []);
    const batch = featureBatch(items);
    if (!batch) return results;
    const { live, dim, maxFrames } = batch;
    // NeMo takes channels first; frame-major features are transposed (and normalized) here.
    const channels = live.map((i) => this.channelsFirst(items[i]));
    let signal: Float32Array;
    if (live.length === 1) signal = channels[0];
    else {
      signal = new Float32Array(live.length * dim * maxFrames);
      channels.forEach((data, b) => {
        const frames = items[live[b]].numFrames;
        for (let d = 0; d < dim; d++) signal.set(data.subarray(d * frames, (d + 1) * frames), (b * dim + d) * maxFrames);
      });
    }
    const [signalName, lengthName] = this.session.inputNames;
    const feeds: Record<string, ReturnType<typeof tensor>> = { [signalName]: tensor('float32', signal, [live.length, dim, maxFrames]) };
    if (lengthName) feeds[lengthName] = tensor('int64', batch.lengths, [live.length]);
    const outputs = await this.session.run(feeds);
    const logProbs = output(outputs, this.session, 'logprobs');
    const [, frames, vocab] = logProbs.dims;
    const data = logProbs.data as Float32Array;
    for (let b = 0; b < live.length; b++) {
      const i = live[b];
      // As sherpa-onnx: the valid output length is the input length divided by the subsampling factor.
      const validFrames = Math.min(frames, Math.floor(items[i].numFrames / this.subsamplingFactor));
      const own = data.subarray(b * frames * vocab, (b + 1) * frames * vocab);
      results[i] = this.decodeLogProbs(own, validFrames, vocab, texts[i]);
    }
    return results;
  }

  private channelsFirst(features: Features): Float32Array {
    if (features.layout === 'channels') return features.data;
    return toChannelsFirst(features, this.normalizeType === 'per_feature' ? perFeatureStats(features) : undefined);
  }

  private decodeLogProbs(data: Float32Array, validFrames: number, vocab: number, text: TextContext | undefined): DecodedToken[] {
    if (this.decoding.method === 'beam_search') {
      const lm = textScorerFor(this.decoding, this.tokens, text);
      const spellings = this.tokens.hasWordPieces ? this.tokens.spellings : undefined;
      return ctcPrefixBeamSearch(data, validFrames, vocab, this.tokens.blankId, { beamSize: this.decoding.beamSize, lm, spellings });
    }
    return ctcGreedyDecode(data, validFrames, vocab, this.tokens.blankId);
  }
}
