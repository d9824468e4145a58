import type { DecodedToken } from '../decoded-token';
import { logSoftmaxAt } from '../log-math';

/**
 * The per-step calls greedy search makes on a NeMo transducer (implemented over ONNX sessions by
 * NemoTransducerModel). Unlike icefall's stateless decoder, NeMo's prediction network is an LSTM: each step
 * takes the previous step's state, so the state travels with the hypothesis.
 */
export interface NemoTransducerStepper<State> {
  /** Tokens including the blank (`vocab_size` + 1); blank is the last id. */
  readonly vocabSize: number;
  readonly blankId: number;
  /** The prediction network's all-zero initial state. */
  initialState(): State;
  /** Runs the prediction network on one token from `state`; returns its output and the next state. */
  runDecoder(token: number, state: State): Promise<{ decoderOut: Float32Array; state: State }>;
  /**
   * Runs the joint network on encoder frame `frame` (after subsampling) and a decoder output; returns the logits:
   * `vocabSize` token logits, then (TDT only) one logit per duration.
   */
  runJoiner(frame: number, decoderOut: Float32Array): Promise<Float32Array>;
}

/** sherpa-onnx's bound on tokens emitted at one frame in RNN-T greedy search. */
export const RNNT_MAX_SYMBOLS_PER_FRAME = 10;
/** sherpa-onnx's bound on consecutive tokens emitted without advancing in TDT greedy search. */
export const TDT_MAX_TOKENS_PER_FRAME = 5;

function argmax(values: Float32Array, begin: number, end: number): number {
  let best = begin;
  for (let i = begin + 1; i < end; i++) if (values[i] > values[best]) best = i;
  return best - begin;
}

/**
 * RNN-T greedy search as sherpa-onnx runs it on NeMo models: the prediction network starts from the blank
 * token and zero states; at each frame the joiner's best token is emitted (and the prediction network advances)
 * until blank is best or `maxSymbolsPerFrame` tokens came out of the frame. Every token counts, `<unk>` too.
 */
export async function nemoRnntGreedyDecode<S>(
  model: NemoTransducerStepper<S>,
  numFrames: number,
  maxSymbolsPerFrame = RNNT_MAX_SYMBOLS_PER_FRAME,
): Promise<DecodedToken[]> {
  const { vocabSize, blankId } = model;
  let step = await model.runDecoder(blankId, model.initialState());
  const tokens: DecodedToken[] = [];
  for (let t = 0; t < numFrames; t++) {
    for (let emitted = 0; emitted < maxSymbolsPerFrame; emitted++) {
      const logits = await model.runJoiner(t, step.decoderOut);
      const best = argmax(logits, 0, vocabSize);
      if (best === blankId) break;
      tokens.push({ id: best, startFrame: t, endFrame: t + 1, logProb: logSoftmaxAt(logits.subarray(0, vocabSize), best) });
      step = await model.runDecoder(best, step.state);
    }
  }
  return tokens;
}

/**
 * Token-and-duration (TDT) greedy search as sherpa-onnx runs it: the joiner's output is token logits followed
 * by duration logits, and the best duration's index is the number of frames to advance (NeMo's durations are
 * 0, 1, 2, …). A token is emitted when it is not blank; a blank with duration 0 advances one frame, and so does
 * the frame after `maxTokensPerFrame` tokens without advancing. A token spans its duration (at least a frame).
 */
export async function nemoTdtGreedyDecode<S>(
  model: NemoTransducerStepper<S>,
  numFrames: number,
  maxTokensPerFrame = TDT_MAX_TOKENS_PER_FRAME,
): Promise<DecodedToken[]> {
  const { vocabSize, blankId } = model;
  let step = await model.runDecoder(blankId, model.initialState());
  const tokens: DecodedToken[] = [];
  let tokensThisFrame = 0;
  for (let t = 0, skip = 0; t < numFrames; t += skip) {
    const logits = await model.runJoiner(t, step.decoderOut);
    if (logits.length <= vocabSize) throw new Error(`a TDT joiner gives token and duration logits; got ${logits.length} for ${vocabSize} tokens`);
    const best = argmax(logits, 0, vocabSize);
    skip = argmax(logits, vocabSize, logits.length);
    if (best !== blankId) {
      tokens.push({ id: best, startFrame: t, endFrame: t + Math.max(1, skip), logProb: logSoftmaxAt(logits.subarray(0, vocabSize), best) });
      step = await model.runDecoder(best, step.state);
      tokensThisFrame++;
    }
    if (skip > 0) tokensThisFrame = 0;
    if (tokensThisFrame >= maxTokensPerFrame) {
      tokensThisFrame = 0;
      skip = 1;
    }
    if (best === blankId && skip === 0) {
      tokensThisFrame = 0;
      skip = 1;
    }
  }
  return tokens;
}
