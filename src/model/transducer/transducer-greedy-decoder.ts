import type { DecodedToken } from '../decoded-token';
import { logSoftmaxAt } from '../log-math';

/** The per-step calls transducer greedy search makes (implemented over ONNX sessions by TransducerModel). */
export interface TransducerStepper {
  readonly contextSize: number;
  readonly blankId: number;
  /** `<unk>`'s id, treated like blank (never emitted); -1 when the vocabulary has none. */
  readonly unkId: number;
  /** Runs the prediction network on the last `contextSize` token ids; returns decoder_out (1 × D). */
  runDecoder(context: BigInt64Array): Promise<Float32Array>;
  /**
   * Runs the joiner on `numFrames` consecutive encoder frames (row-major numFrames × C), each paired with the
   * same decoder output; returns logits (numFrames × vocab).
   */
  runJoiner(encoderFrames: Float32Array, numFrames: number, decoderOut: Float32Array): Promise<Float32Array>;
}

/** Frames the joiner scores in one run while the decoder output stays the same. */
export const JOINER_WINDOW_FRAMES = 8;

/**
 * Greedy search over encoder frames, as icefall and sherpa-onnx's offline decoder do it: the context starts
 * as `[-1, …, -1, blank]` (-1 = "before the start", which icefall's stateless decoder embeds as zeros); at
 * each frame the joiner's best token is emitted unless it is blank or `<unk>`, after which the prediction
 * network advances. At most `maxSymbolsPerFrame` tokens per frame (1 matches sherpa-onnx's offline search).
 *
 * The result is exactly frame-by-frame greedy search, but the joiner runs on a window of frames at once: its
 * output for a frame depends only on that frame and the decoder output, which changes only when a token is
 * emitted, so scores past an emission are discarded and the next window starts after it. That cuts the
 * number of joiner runs (each has a fixed cost far above its arithmetic) by up to the window size on blanks.
 *
 * @param encoderOut row-major (numFrames × encoderDim), frames after subsampling
 */
export async function transducerGreedyDecode(
  model: TransducerStepper,
  encoderOut: Float32Array,
  numFrames: number,
  encoderDim: number,
  maxSymbolsPerFrame = 1,
  windowFrames = JOINER_WINDOW_FRAMES,
): Promise<DecodedToken[]> {
  const context = new BigInt64Array(model.contextSize).fill(-1n);
  context[model.contextSize - 1] = BigInt(model.blankId);
  let decoderOut = await model.runDecoder(context);
  const tokens: DecodedToken[] = [];
  let t = 0;
  let emittedInFrame = 0;
  while (t < numFrames) {
    const n = Math.min(windowFrames, numFrames - t);
    const logits = await model.runJoiner(encoderOut.subarray(t * encoderDim, (t + n) * encoderDim), n, decoderOut);
    const vocab = logits.length / n;
    let next = t + n; // where the next window starts if every frame in this one is blank
    for (let j = 0; j < n; j++) {
      const row = logits.subarray(j * vocab, (j + 1) * vocab);
      let best = 0;
      for (let v = 1; v < vocab; v++) if (row[v] > row[best]) best = v;
      if (best === model.blankId || best === model.unkId) {
        emittedInFrame = 0;
        continue;
      }
      const frame = t + j;
      tokens.push({ id: best, startFrame: frame, endFrame: frame + 1, logProb: logSoftmaxAt(row, best) });
      context.copyWithin(0, 1);
      context[model.contextSize - 1] = BigInt(best);
      decoderOut = await model.runDecoder(context);
      emittedInFrame++;
      // The same frame again with the new decoder output while it may emit more; else the frame after.
      if (emittedInFrame < maxSymbolsPerFrame) {
        next = frame;
      } else {
        next = frame + 1;
        emittedInFrame = 0;
      }
      break;
    }
    t = next;
  }
  return tokens;
}
