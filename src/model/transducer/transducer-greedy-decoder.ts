import type { DecodedToken } from '../decoded-token';

/** The per-step calls transducer greedy search makes (implemented over ONNX sessions by TransducerModel). */
export interface TransducerStepper {
  readonly contextSize: number;
  readonly blankId: number;
  /** `<unk>`'s id, treated like blank (never emitted); -1 when the vocabulary has none. */
  readonly unkId: number;
  /** Runs the prediction network on the last `contextSize` token ids; returns decoder_out (1 × D). */
  runDecoder(context: BigInt64Array): Promise<Float32Array>;
  /** Runs the joiner on one encoder frame and a decoder output; returns logits (vocab). */
  runJoiner(encoderFrame: Float32Array, decoderOut: Float32Array): Promise<Float32Array>;
}

/**
 * Greedy search over encoder frames, as icefall and sherpa-onnx's offline decoder do it: the context starts
 * as `[-1, …, -1, blank]` (-1 = "before the start", which icefall's stateless decoder embeds as zeros); at
 * each frame the joiner's best token is emitted unless it is blank or `<unk>`, after which the prediction
 * network advances. At most `maxSymbolsPerFrame` tokens per frame (1 matches sherpa-onnx's offline search).
 *
 * @param encoderOut row-major (numFrames × encoderDim), frames after subsampling
 */
export async function transducerGreedyDecode(
  model: TransducerStepper,
  encoderOut: Float32Array,
  numFrames: number,
  encoderDim: number,
  maxSymbolsPerFrame = 1,
): Promise<DecodedToken[]> {
  const context = new BigInt64Array(model.contextSize).fill(-1n);
  context[model.contextSize - 1] = BigInt(model.blankId);
  let decoderOut = await model.runDecoder(context);
  const tokens: DecodedToken[] = [];
  for (let t = 0; t < numFrames; t++) {
    const frame = encoderOut.subarray(t * encoderDim, (t + 1) * encoderDim);
    for (let emitted = 0; emitted < maxSymbolsPerFrame; emitted++) {
      const logits = await model.runJoiner(frame, decoderOut);
      let best = 0;
      for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
      if (best === model.blankId || best === model.unkId) break;
      tokens.push({ id: best, startFrame: t, endFrame: t + 1, logProb: logSoftmaxAt(logits, best) });
      context.copyWithin(0, 1);
      context[model.contextSize - 1] = BigInt(best);
      decoderOut = await model.runDecoder(context);
    }
  }
  return tokens;
}

/** log softmax(logits)[index], computed stably. */
function logSoftmaxAt(logits: Float32Array, index: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return logits[index] - max - Math.log(sum);
}
