/** One autoregressive decoder over a fixed encoder output, its KV cache kept inside. */
export interface MoonshineStepper {
  /** Runs the decoder on the start token alone (no cache yet): the logits of the first token (vocab values). */
  start(): Promise<Float32Array>;
  /** Feeds the token just chosen (the `seqLen`-th token, counting the start token) and returns the next logits. */
  next(token: number, seqLen: number): Promise<Float32Array>;
}

/** Samples per encoder frame in every Moonshine (the preprocessor's strides 64 × 3 × 2, from the paper). */
export const MOONSHINE_SAMPLES_PER_FRAME = 384;
/**
 * The fewest samples that make one encoder frame: the receptive field of Moonshine's preprocessor (kernels 127,
 * 7 and 3 at strides 64, 3 and 2: 127 + 6 × 64 + 2 × 192), 56 ms.
 */
export const MOONSHINE_MIN_SAMPLES = 895;

/**
 * The most tokens sherpa-onnx decodes for `encoderFrames` frames: `tokensPerSec` per second of audio, the
 * seconds estimated from the frames (offline-moonshine-greedy-search-decoder.cc: 6 per second for v1;
 * offline-moonshine-v2-greedy-search-decoder.cc: 15 for v2), truncated as C++ truncates a double.
 */
export function moonshineMaxTokens(encoderFrames: number, tokensPerSec: number): number {
  return Math.trunc(((encoderFrames * MOONSHINE_SAMPLES_PER_FRAME) / 16000.0) * tokensPerSec);
}

/** The highest logit's id and its natural-log probability (log-softmax), as sherpa-onnx's v1 search. */
export function argmaxLogProb(logits: Float32Array): { id: number; logProb: number } {
  let id = 0;
  for (let j = 1; j < logits.length; j++) if (logits[j] > logits[id]) id = j;
  let sum = 0;
  for (let j = 0; j < logits.length; j++) sum += Math.exp(logits[j] - logits[id]);
  return { id, logProb: -Math.log(sum) };
}

/**
 * Greedy search as sherpa-onnx runs it: start from the start token, take the best token each step, stop at
 * the end token (not emitted) or after `maxTokens` tokens. Returns the tokens and their log-probabilities.
 */
export async function moonshineGreedyDecode(
  stepper: MoonshineStepper,
  maxTokens: number,
  endId: number,
): Promise<{ ids: number[]; logProbs: number[] }> {
  const ids: number[] = [];
  const logProbs: number[] = [];
  if (maxTokens <= 0) return { ids, logProbs };
  let logits = await stepper.start();
  for (let i = 0; i < maxTokens; i++) {
    const best = argmaxLogProb(logits);
    if (best.id === endId) break;
    ids.push(best.id);
    logProbs.push(best.logProb);
    // sherpa-onnx runs the decoder once more after the last allowed token and ignores the logits: skipped.
    if (i + 1 === maxTokens) break;
    logits = await stepper.next(best.id, ids.length + 1);
  }
  return { ids, logProbs };
}
