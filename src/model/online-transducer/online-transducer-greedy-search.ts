import type { DecodedToken } from '../decoded-token';
import { logSoftmaxAt } from '../log-math';
import type { TransducerStepper } from '../transducer/transducer-greedy-decoder';

/**
 * The greedy search state of one stream's current segment, carried from chunk to chunk (sherpa-onnx's
 * OnlineTransducerDecoderResult).
 */
export interface OnlineGreedyResult {
  /**
   * Token ids; the first `contextSize` are the context the segment started from: `[-1, …, -1, blank]` at the
   * start of a stream, or the previous segment's last tokens after an endpoint.
   */
  tokens: number[];
  /** The tokens emitted in this segment, with frames counted from the segment's first encoder frame. */
  emitted: DecodedToken[];
  /** The prediction network's output for the last `contextSize` tokens, once computed. */
  decoderOut: Float32Array | null;
  /** Encoder frames (after subsampling) decoded in this segment so far. */
  frameOffset: number;
  /** Blank (or `<unk>`) frames since the last emitted token. */
  numTrailingBlanks: number;
}

/** A new stream's result: the context `[-1, …, -1, blank]` (icefall's decoder embeds -1 as zeros). */
export function emptyGreedyResult(contextSize: number, blankId: number): OnlineGreedyResult {
  const tokens = new Array<number>(contextSize).fill(-1);
  tokens[contextSize - 1] = blankId;
  return { tokens, emitted: [], decoderOut: null, frameOffset: 0, numTrailingBlanks: 0 };
}

/**
 * The result a new segment starts from at an endpoint (sherpa-onnx's OnlineRecognizerTransducerImpl::Reset):
 * when the last one emitted tokens, its last `contextSize` tokens are the new context (the decoder continues
 * the sentence); otherwise a new stream's context. Frame counts restart at 0.
 */
export function nextSegmentResult(last: OnlineGreedyResult, contextSize: number, blankId: number): OnlineGreedyResult {
  if (last.tokens.length <= contextSize) return emptyGreedyResult(contextSize, blankId);
  return { tokens: last.tokens.slice(-contextSize), emitted: [], decoderOut: null, frameOffset: 0, numTrailingBlanks: 0 };
}

/**
 * Greedy search over one chunk's encoder frames, continuing `result` (sherpa-onnx's
 * OnlineTransducerGreedySearchDecoder::Decode): at each frame the joiner's best token is emitted unless it is
 * blank or `<unk>`, then the prediction network advances; at most one token per frame. A token's frame is
 * `t + frameOffset` (its time is that × 40 ms in the segment). The joiner scores a window of frames per run
 * while the decoder output stays the same (the choice per frame is identical to one run per frame).
 *
 * @param encoderOut row-major (numFrames × encoderDim)
 */
export async function onlineGreedySearch(model: TransducerStepper, result: OnlineGreedyResult, encoderOut: Float32Array, numFrames: number, encoderDim: number): Promise<void> {
  const context = () => BigInt64Array.from(result.tokens.slice(-model.contextSize), (t) => BigInt(t));
  let decoderOut = result.decoderOut ?? (await model.runDecoder(context()));
  let t = 0;
  while (t < numFrames) {
    const n = numFrames - t;
    const logits = await model.runJoiner(encoderOut.subarray(t * encoderDim, (t + n) * encoderDim), n, decoderOut);
    const vocab = logits.length / n;
    let next = t + n;
    for (let j = 0; j < n; j++) {
      const row = logits.subarray(j * vocab, (j + 1) * vocab);
      let best = 0;
      for (let v = 1; v < vocab; v++) if (row[v] > row[best]) best = v;
      if (best === model.blankId || best === model.unkId) {
        result.numTrailingBlanks++;
        continue;
      }
      const frame = result.frameOffset + t + j;
      result.tokens.push(best);
      result.emitted.push({ id: best, startFrame: frame, endFrame: frame + 1, logProb: logSoftmaxAt(row, best) });
      result.numTrailingBlanks = 0;
      decoderOut = await model.runDecoder(context());
      next = t + j + 1;
      break;
    }
    t = next;
  }
  result.decoderOut = decoderOut;
  result.frameOffset += numFrames;
}
