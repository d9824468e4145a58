import type { Features } from '../features/features';
import type { DecodedToken } from './decoded-token';
import type { ModelDecoding, TextContext } from './decoding';
import type { ModelLayout } from './model-layout';
import type { ExecutionProvider } from './ort-session';
import type { RecognitionResult } from './recognizer';
import type { TokenTable } from './tokens';

/**
 * What every model family offers the pipeline (features → model → decoder), whatever its layout: the
 * inference worker and the parity tests see only this. A new family implements it and registers its loader
 * in model-factory.ts; nothing above the model layer changes.
 */
export interface AcousticModel {
  /** The folder layout it was loaded from (model-layout.ts). */
  readonly kind: ModelLayout['kind'];
  readonly tokens: TokenTable;
  readonly provider: ExecutionProvider;
  readonly metadata: Readonly<Record<string, string>>;
  readonly decoding: ModelDecoding;
  /** Where features are computed: the WebAssembly module, the JavaScript fallback, or the model's own graph (raw audio in). */
  readonly featureEngine: 'wasm' | 'js' | 'model';
  /** Seconds per output frame (after subsampling). */
  readonly frameSec: number;
  /** The model's features of 16 kHz samples, computed as sherpa-onnx computes them for this layout. */
  computeFeatures(samples: Float32Array): Features;
  /** Runs the model and its decoder (greedy or beam search with the LM and the request's hotwords). */
  decode(features: Features, text?: TextContext): Promise<DecodedToken[]>;
  /**
   * The whole recognition of 16 kHz samples, for families whose output has no frames to time words by
   * (sequence-to-sequence models such as Whisper): run instead of features → decode → words when present.
   */
  recognize?(samples: Float32Array, text?: TextContext): Promise<RecognitionResult>;
  /**
   * Optional: decodes several utterances in one model run (padded to the longest, each item's length given
   * to the model so padding never reaches a shorter item's output), then each is decoded on its own. Must
   * give exactly what `decode` gives item by item; families without it are run one by one (see
   * offline-recognizer.ts `recognizeBatchWith`).
   */
  decodeBatch?(items: readonly Features[], texts: readonly (TextContext | undefined)[]): Promise<DecodedToken[][]>;
}
