import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { createSession, type ExecutionProvider, type SessionOptions } from '../ort-session';
import { MOONSHINE_SAMPLES_PER_FRAME, type MoonshineStepper } from './moonshine-greedy-decoder';
import { MOONSHINE_START_ID } from './moonshine-tokens';
import type { MoonshineGraphs, MoonshineLayout } from './moonshine-layout';

const ones = (length: number) => new ort.Tensor('int64', new BigInt64Array(length).fill(1n), [1, length]);

/**
 * Moonshine v2 (moonshine-voice's two-graph export; sherpa-onnx's offline-moonshine-model-v2.cc), bound by
 * position as sherpa-onnx binds it:
 * - encoder: audio float32 (1, samples) [, attention mask int64 (1, samples) of ones] → encoder_out (1, T, dim)
 * - merged decoder: [encoder_attention_mask int64 (1, T × 384) of ones, when the graph has one,] input_ids
 *   int64 (1, 1), encoder_out, the cache (4 tensors per layer: decoder key, decoder value, encoder key, encoder
 *   value, each (1, heads, length, head_dim), empty at first), use_cache_branch bool (1) → logits, the next cache.
 *   The first run (no encoder cache yet) takes every state output; later runs only each layer's decoder key
 *   and value (the encoder's stay as the first run made them).
 */
export class MoonshineV2Graphs implements MoonshineGraphs {
  readonly version = 2;
  readonly tokensPerSec = 15;
  private readonly needsMask: boolean;
  private readonly numLayers: number;
  private readonly headShape: [number, number];

  private constructor(
    readonly provider: ExecutionProvider,
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
  ) {
    const names = decoder.inputNames;
    this.needsMask = names.some((n) => n.includes('encoder_attention_mask'));
    this.numLayers = (names.length - (this.needsMask ? 4 : 3)) / 4;
    const cache = decoder.inputMetadata.find((m) => m.name.includes('key_values'));
    const shape = cache && 'shape' in cache ? cache.shape : [];
    if (!Number.isInteger(this.numLayers) || this.numLayers < 1 || shape.length !== 4 || typeof shape[1] !== 'number' || typeof shape[3] !== 'number') {
      throw new Error(`moonshine v2: unexpected merged decoder inputs (${names.join(', ')})`);
    }
    this.headShape = [shape[1], shape[3]];
  }

  static async load(layout: Extract<MoonshineLayout, { version: 2 }>, options: SessionOptions): Promise<MoonshineV2Graphs> {
    const encoder = await createSession(readFileSync(layout.encoderPath), options);
    const decoder = await createSession(readFileSync(layout.mergedDecoderPath), options);
    return new MoonshineV2Graphs(encoder.provider, encoder.session, decoder.session);
  }

  async encode(samples: Float32Array): Promise<{ frames: number; stepper: MoonshineStepper }> {
    const feeds: Record<string, ort.Tensor> = { [this.encoder.inputNames[0]]: new ort.Tensor('float32', samples, [1, samples.length]) };
    if (this.encoder.inputNames.length > 1) feeds[this.encoder.inputNames[1]] = ones(samples.length);
    const encoderOut = (await this.encoder.run(feeds))[this.encoder.outputNames[0]];
    return { frames: encoderOut.dims[1], stepper: this.stepper(encoderOut) };
  }

  private stepper(encoderOut: ort.Tensor): MoonshineStepper {
    const [heads, headDim] = this.headShape;
    let states: ort.Tensor[] = Array.from({ length: 4 * this.numLayers }, () => new ort.Tensor('float32', new Float32Array(0), [1, heads, 0, headDim]));
    // The mask is sized in audio samples: the graphs downsample it by 384 themselves (transformers' contract;
    // sherpa-onnx's fix for its issue #3975). sherpa-onnx-node 1.13.8 still passes T ones (checked with a
    // decoder that reports the length it gets), which such a graph downsamples to one element: all ones, the same
    // as ours, up to 384 frames (9.2 s); past that its run fails and it returns no text.
    const mask = this.needsMask ? ones(encoderOut.dims[1] * MOONSHINE_SAMPLES_PER_FRAME) : undefined;
    const run = async (token: number): Promise<Float32Array> => {
      const useCache = states[2].dims[2] > 1;
      const values: ort.Tensor[] = [
        ...(mask ? [mask] : []),
        new ort.Tensor('int64', BigInt64Array.of(BigInt(token)), [1, 1]),
        encoderOut,
        ...states,
        new ort.Tensor('bool', Uint8Array.of(useCache ? 1 : 0), [1]),
      ];
      const results = await this.decoder.run(Object.fromEntries(this.decoder.inputNames.map((name, i) => [name, values[i]])));
      const out = this.decoder.outputNames.map((name) => results[name]);
      states = states.map((s, i) => (!useCache || i % 4 < 2 ? out[1 + i] : s));
      const logits = out[0];
      const vocab = logits.dims[logits.dims.length - 1];
      return (logits.data as Float32Array).subarray(logits.data.length - vocab);
    };
    return { start: () => run(MOONSHINE_START_ID), next: (token) => run(token) };
  }
}
