import { readFileSync } from 'node:fs';
import type { Features } from '../../features/features';
import type { AcousticModel } from '../acoustic-model';
import type { DecodedToken } from '../decoded-token';
import { GREEDY_DECODING, type DecodingConfig, type ModelDecoding } from '../decoding';
import { readOnnxMetadata } from '../onnx-metadata';
import type { ExecutionProvider, SessionOptions } from '../ort-session';
import { ESTIMATE_FRAME_SAMPLES, spreadOverVoicedSpan, voicedSpan } from './estimated-token-times';
import { MOONSHINE_MIN_SAMPLES, moonshineGreedyDecode, moonshineMaxTokens } from './moonshine-greedy-decoder';
import type { MoonshineGraphs, MoonshineLayout } from './moonshine-layout';
import { joinByteTokens, MOONSHINE_END_ID, MoonshineTokenTable } from './moonshine-tokens';
import { MoonshineV1Graphs } from './moonshine-v1-graphs';
import { MoonshineV2Graphs } from './moonshine-v2-graphs';

/**
 * Moonshine (UsefulSensors): an encoder-decoder that reads raw 16 kHz audio (its preprocessor graph computes
 * the features; there is no fbank) and writes text autoregressively, decoded greedily with its KV cache as
 * sherpa-onnx does (greedy search is all sherpa-onnx offers for it; a request asking beam search, its LM or
 * hotwords gets greedy search).
 *
 * It gives no token times: the decoder attends to the whole clip. Token times here are estimates on a 10 ms
 * timeline (`frameSec` 0.01): the tokens share the clip's voiced span by their length in characters
 * (estimated-token-times.ts). Clips are utterances the VAD cut (≤ CHUNK_MAX_SEC), so a word's estimate stays
 * within its utterance.
 */
export class MoonshineModel implements AcousticModel {
  readonly kind = 'moonshine';
  readonly featureEngine = 'model';
  readonly frameSec = ESTIMATE_FRAME_SAMPLES / 16000;
  readonly decoding: ModelDecoding = { method: 'greedy_search', beamSize: 1 };

  private constructor(
    private readonly graphs: MoonshineGraphs,
    readonly tokens: MoonshineTokenTable,
    readonly metadata: Readonly<Record<string, string>>,
  ) {}

  static async load(layout: MoonshineLayout, options: SessionOptions, decoding: Readonly<DecodingConfig> = GREEDY_DECODING): Promise<MoonshineModel> {
    void decoding; // greedy search only (see the class comment)
    const graphs = layout.version === 1 ? await MoonshineV1Graphs.load(layout, options) : await MoonshineV2Graphs.load(layout, options);
    const tokens = MoonshineTokenTable.fromFile(layout.tokensPath, { base64: layout.version === 2 });
    const metadata = { moonshine_version: String(layout.version), ...readMetadata(layout.encoderPath) };
    return new MoonshineModel(graphs, tokens, metadata);
  }

  get provider(): ExecutionProvider {
    return this.graphs.provider;
  }

  /** The model's input is the audio itself: one "frame" per sample (dim 1); the preprocessor graph does the rest. */
  computeFeatures(samples: Float32Array): Features {
    return { data: samples, numFrames: samples.length, dim: 1 };
  }

  async decode(features: Features): Promise<DecodedToken[]> {
    const samples = features.data;
    // Too short for one encoder frame: the preprocessor's convolutions fail, and sherpa-onnx returns no text.
    if (samples.length < MOONSHINE_MIN_SAMPLES) return [];
    const { frames, stepper } = await this.graphs.encode(samples);
    const found = await moonshineGreedyDecode(stepper, moonshineMaxTokens(frames, this.graphs.tokensPerSec), MOONSHINE_END_ID);
    const { ids, logProbs } = joinByteTokens(found.ids, found.logProbs, this.tokens);
    return spreadOverVoicedSpan(ids, logProbs, (id) => this.tokens.symbols[id], voicedSpan(samples));
  }
}

/** The ONNX metadata of a graph, or none (`.ort` files keep theirs elsewhere). */
function readMetadata(path: string): Record<string, string> {
  if (!path.endsWith('.onnx')) return {};
  try {
    return readOnnxMetadata(readFileSync(path));
  } catch {
    return {};
  }
}
