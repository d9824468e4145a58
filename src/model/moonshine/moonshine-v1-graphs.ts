import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { createSession, type ExecutionProvider, type SessionOptions } from '../ort-session';
import type { MoonshineStepper } from './moonshine-greedy-decoder';
import { MOONSHINE_START_ID } from './moonshine-tokens';
import type { MoonshineGraphs, MoonshineLayout } from './moonshine-layout';

const int32 = (values: number[], dims: number[]) => new ort.Tensor('int32', Int32Array.from(values), dims);

/**
 * Moonshine v1 (UsefulSensors' four-graph export; sherpa-onnx's offline-moonshine-model.cc). sherpa-onnx binds
 * every graph by position, not by name, and so does this:
 * - preprocess: audio float32 (1, samples) → features (1, T, dim), T ≈ samples / 384
 * - encode: features, features_len int32 (1) → encoder_out (1, T, dim)
 * - uncached_decode: tokens int32 (1, 1) = <s>, encoder_out, seq_len int32 (1) = 1 → logits (1, 1, vocab),
 *   then the KV cache: 4 tensors per decoder layer (self-attention key and value, cross-attention key and value)
 * - cached_decode: token int32 (1, 1), encoder_out, seq_len int32 (1) = tokens so far counting <s>, the cache
 *   → logits and the whole next cache (every state output replaces its input, in order).
 */
export class MoonshineV1Graphs implements MoonshineGraphs {
  readonly version = 1;
  readonly tokensPerSec = 6;

  private constructor(
    readonly provider: ExecutionProvider,
    private readonly preprocessor: ort.InferenceSession,
    private readonly encoder: ort.InferenceSession,
    private readonly uncachedDecoder: ort.InferenceSession,
    private readonly cachedDecoder: ort.InferenceSession,
  ) {
    if (cachedDecoder.inputNames.length !== 3 + uncachedDecoder.outputNames.length - 1) {
      throw new Error(
        `moonshine: the cached decoder takes ${cachedDecoder.inputNames.length - 3} states but the uncached decoder gives ${uncachedDecoder.outputNames.length - 1}`,
      );
    }
  }

  static async load(layout: Extract<MoonshineLayout, { version: 1 }>, options: SessionOptions): Promise<MoonshineV1Graphs> {
    const paths = [layout.preprocessorPath, layout.encoderPath, layout.uncachedDecoderPath, layout.cachedDecoderPath];
    const sessions = [];
    for (const p of paths) sessions.push(await createSession(readFileSync(p), options));
    const [pre, enc, uncached, cached] = sessions;
    return new MoonshineV1Graphs(enc.provider, pre.session, enc.session, uncached.session, cached.session);
  }

  async encode(samples: Float32Array): Promise<{ frames: number; stepper: MoonshineStepper }> {
    const audio = new ort.Tensor('float32', samples, [1, samples.length]);
    const features = (await this.preprocessor.run({ [this.preprocessor.inputNames[0]]: audio }))[this.preprocessor.outputNames[0]];
    const [featuresName, lengthName] = this.encoder.inputNames;
    const encoded = await this.encoder.run({ [featuresName]: features, [lengthName]: int32([features.dims[1]], [1]) });
    const encoderOut = encoded[this.encoder.outputNames[0]];
    return { frames: encoderOut.dims[1], stepper: this.stepper(encoderOut) };
  }

  private stepper(encoderOut: ort.Tensor): MoonshineStepper {
    let states: ort.Tensor[] = [];
    const run = async (session: ort.InferenceSession, token: number, seqLen: number): Promise<Float32Array> => {
      const [tokenName, encoderName, seqLenName, ...stateNames] = session.inputNames;
      const feeds: Record<string, ort.Tensor> = {
        [tokenName]: int32([token], [1, 1]),
        [encoderName]: encoderOut,
        [seqLenName]: int32([seqLen], [1]),
      };
      stateNames.forEach((name, i) => (feeds[name] = states[i]));
      const results = await session.run(feeds);
      const [logitsName, ...outNames] = session.outputNames;
      states = outNames.map((name) => results[name]);
      // The last position's logits (the only one here: one token in, one out).
      const logits = results[logitsName];
      const vocab = logits.dims[logits.dims.length - 1];
      return (logits.data as Float32Array).subarray(logits.data.length - vocab);
    };
    return {
      start: () => run(this.uncachedDecoder, MOONSHINE_START_ID, 1),
      next: (token, seqLen) => run(this.cachedDecoder, token, seqLen),
    };
  }
}
