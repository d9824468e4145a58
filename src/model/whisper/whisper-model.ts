import { readFileSync } from 'node:fs';
import type * as ort from 'onnxruntime-node';
import type { Features } from '../../features/features';
import type { AcousticModel } from '../acoustic-model';
import type { DecodedToken } from '../decoded-token';
import type { ModelDecoding, TextContext } from '../decoding';
import type { ModelLayout } from '../model-layout';
import { readModelFolderMetadata } from '../model-folder-metadata';
import { createSession, tensor, type ExecutionProvider, type SessionOptions } from '../ort-session';
import type { RecognitionResult } from '../recognizer';
import { toLanguageCode } from '../supported-languages';
import { TokenTable } from '../tokens';
import { WHISPER_MAX_FEATURE_FRAMES, WhisperFeatureComputer } from './whisper-features';
import { whisperGreedyDecode, type WhisperDecodeResult, type WhisperDecoderPass, type WhisperDecoderRunner } from './whisper-greedy-decoder';
import { parseWhisperModelMeta, type WhisperModelMeta } from './whisper-model-meta';
import { WhisperTokenTable } from './whisper-tokens';
import { whisperWords } from './whisper-words';

/** Audio decoded at once when an utterance is longer than Whisper's window: 29 s. */
const MAX_PIECE_SAMPLES = 29 * 16000;
/** Encoder frames at most (30 s of 10 ms feature frames). */
const MAX_ENCODER_INPUT_FRAMES = 3000;
/** sherpa-onnx's default tail padding: zero frames after the features, so the model finds eot. */
export const WHISPER_TAIL_PADDING_FRAMES = 1000;

/**
 * A Whisper model in sherpa-onnx's layout (scripts/whisper/export-onnx.py):
 * encoder `mel` (1 × n_mels × T, T ≤ 3000) → `n_layer_cross_k`, `n_layer_cross_v` (n_text_layer × 1 × T/2 × n_text_state);
 * decoder (`tokens` 1 × n, `in_n_layer_self_k_cache`, `in_n_layer_self_v_cache` (n_text_layer × 1 × n_text_ctx ×
 * n_text_state), `n_layer_cross_k`, `n_layer_cross_v`, `offset` (1)) → `logits` (1 × n × n_vocab) and the updated caches.
 * Decoded greedily as sherpa-onnx does, with `<|notimestamps|>`: there are no token times, so word times are
 * estimates within the span of the samples recognized (whisper-words.ts).
 */
export class WhisperModel implements AcousticModel {
  readonly kind = 'whisper';
  /** tokens.txt as written (base64 symbols), for its size; the text comes from `whisperTokens`. */
  readonly tokens: TokenTable;
  readonly decoding: ModelDecoding = { method: 'greedy_search', beamSize: 1 };
  readonly featureEngine = 'js';
  /** Seconds per feature frame. */
  readonly frameSec = 0.01;
  private readonly features: WhisperFeatureComputer;

  private constructor(
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    readonly provider: ExecutionProvider,
    readonly metadata: Readonly<Record<string, string>>,
    readonly meta: WhisperModelMeta,
    readonly whisperTokens: WhisperTokenTable,
    symbols: string[],
    readonly tailPaddingFrames: number,
  ) {
    this.features = new WhisperFeatureComputer(meta.nMels);
    this.tokens = new TokenTable(symbols, Math.max(0, Number(metadata.blank_id ?? 0)));
  }

  static async load(layout: Extract<ModelLayout, { kind: 'whisper' }>, options: SessionOptions, tailPaddingFrames = WHISPER_TAIL_PADDING_FRAMES): Promise<WhisperModel> {
    // Metadata by positioned reads, sessions from the paths: large-v3's files keep their weights beside them
    // (`<name>-encoder.weights`), which onnxruntime finds only when it opens the model file itself.
    const metadata = { ...readModelFolderMetadata(layout.encoderPath) };
    const meta = parseWhisperModelMeta(metadata, layout.encoderPath);
    const encoder = await createSession(layout.encoderPath, options);
    const decoder = await createSession(layout.decoderPath, options);
    const tokensText = readFileSync(layout.tokensPath, 'utf8');
    const symbols = tokensText.split(/\r?\n/).filter((l) => l.trim()).map((l) => l.trim().split(/\s+/)[0]);
    return new WhisperModel(encoder.session, decoder.session, encoder.provider, metadata, meta, WhisperTokenTable.parse(tokensText, layout.tokensPath), symbols, tailPaddingFrames);
  }

  /** Normalized log-mel features (numFrames × n_mels, at most 2950 frames). */
  computeFeatures(samples: Float32Array): Features {
    return this.features.compute(samples);
  }

  /** The chosen tokens (of at most the first 29.5 s), each spanning all the frames: Whisper gives no token times here. */
  async decode(features: Features, text?: TextContext): Promise<DecodedToken[]> {
    const result = await this.decodeWhisper(features, text);
    return result.tokens.map((id, i) => ({ id, startFrame: 0, endFrame: features.numFrames, logProb: result.logProbs[i] }));
  }

  /**
   * Features, greedy search and text: the language and task come from `text` (multilingual models). Audio
   * longer than Whisper's 30 s window (sherpa-onnx keeps its first 29.5 s) is decoded in 29 s pieces, one after
   * the other, the first piece's language reported.
   */
  async recognize(samples: Float32Array, text?: TextContext): Promise<RecognitionResult> {
    const durationSec = samples.length / 16000;
    const pieceSamples = samples.length > WHISPER_MAX_FEATURE_FRAMES * 160 ? MAX_PIECE_SAMPLES : samples.length;
    const result: RecognitionResult = { text: '', words: [], durationSec, tokens: [] };
    for (let start = 0; start === 0 || start < samples.length; start += pieceSamples) {
      const piece = samples.subarray(start, start + pieceSamples);
      const decoded = await this.decodeWhisper(this.computeFeatures(piece), text);
      const pieces = this.whisperTokens.pieces(decoded.tokens, decoded.logProbs);
      result.words.push(...whisperWords(pieces, start / 16000, (start + piece.length) / 16000));
      result.tokens.push(...pieces);
      if (decoded.language && !result.language) result.language = decoded.language;
    }
    result.text = result.words.map((w) => w.word).join(' ');
    return result;
  }

  private async decodeWhisper(features: Features, text: TextContext = {}): Promise<WhisperDecodeResult> {
    const { numFrames, dim, data } = features;
    if (numFrames === 0) return { tokens: [], logProbs: [], language: undefined };
    // The encoder's input: the features channels first, then zero frames (sherpa's tail padding).
    const totalFrames = Math.min(numFrames + this.tailPaddingFrames, MAX_ENCODER_INPUT_FRAMES);
    const mel = new Float32Array(dim * totalFrames);
    for (let t = 0; t < numFrames; t++) for (let m = 0; m < dim; m++) mel[m * totalFrames + t] = data[t * dim + m];
    const [melName] = this.encoder.inputNames;
    const encoded = await this.encoder.run({ [melName]: tensor('float32', mel, [1, dim, totalFrames]) });
    const [kName, vName] = this.encoder.outputNames;
    const runner = this.runner(encoded[kName] as ort.Tensor, encoded[vName] as ort.Tensor);
    const language = text.language ? toLanguageCode(text.language) : undefined;
    return whisperGreedyDecode(runner, this.meta, { language: this.meta.isMultilingual ? language : undefined, task: text.task, numFeatureFrames: numFrames });
  }

  private runner(crossK: ort.Tensor, crossV: ort.Tensor): WhisperDecoderRunner {
    const { decoder, meta } = this;
    const [tokensName, selfKName, selfVName, crossKName, crossVName, offsetName] = decoder.inputNames;
    const [logitsName, outKName, outVName] = decoder.outputNames;
    const cacheDims = [meta.nTextLayer, 1, meta.nTextCtx, meta.nTextState];
    const cacheSize = meta.nTextLayer * meta.nTextCtx * meta.nTextState;
    return {
      begin(): WhisperDecoderPass {
        let selfK = tensor('float32', new Float32Array(cacheSize), cacheDims);
        let selfV = tensor('float32', new Float32Array(cacheSize), cacheDims);
        let offset = 0;
        return {
          get offset() {
            return offset;
          },
          async run(tokens: readonly number[]): Promise<Float32Array> {
            const out = await decoder.run({
              [tokensName]: tensor('int64', BigInt64Array.from(tokens, (t) => BigInt(t)), [1, tokens.length]),
              [selfKName]: selfK,
              [selfVName]: selfV,
              [crossKName]: crossK,
              [crossVName]: crossV,
              [offsetName]: tensor('int64', BigInt64Array.of(BigInt(offset)), [1]),
            });
            selfK = out[outKName] as ort.Tensor;
            selfV = out[outVName] as ort.Tensor;
            offset += tokens.length;
            const logits = out[logitsName] as ort.Tensor;
            const vocab = logits.dims[2];
            const all = logits.data as Float32Array;
            return all.subarray(all.length - vocab);
          },
        };
      },
    };
  }
}
