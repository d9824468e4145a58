import type { DecodedToken } from '../decoded-token';
import type { LmFusion, LmState } from '../lm/lm-fusion';
import { logAddExp } from '../log-math';

/** The calls modified beam search makes (implemented over ONNX sessions by TransducerModel). */
export interface TransducerBeamStepper {
  readonly contextSize: number;
  readonly blankId: number;
  /** `<unk>`'s id, treated like blank (never emitted); -1 when the vocabulary has none. */
  readonly unkId: number;
  /** Runs the prediction network on the last `contextSize` token ids; returns decoder_out (1 × D). */
  runDecoder(context: BigInt64Array): Promise<Float32Array>;
  /** Runs the joiner on `rows` pairs (encoder row i with decoder row i); returns logits (rows × vocab). */
  runJoinerPairs(encoderRows: Float32Array, decoderRows: Float32Array, rows: number): Promise<Float32Array>;
}

export interface TransducerBeamSearchOptions {
  /** Hypotheses kept after every frame. */
  beamSize: number;
  /** Optional text scorer: the character LM (shallow fusion) and the request's hotwords. */
  lm?: LmFusion;
}

/** A distinct output so far: a node of the token tree (equal outputs are the same node, which is how they merge). */
interface OutputNode {
  parent: OutputNode | undefined;
  tokenId: number;
  children: Map<number, OutputNode>;
  /** The decoder input after this output (its last `contextSize` ids), computed once. */
  context: BigInt64Array;
}

/** The emitted tokens, newest first, as a shared list (hypotheses that branch share their past). */
interface TokenCell {
  token: DecodedToken;
  previous: TokenCell | undefined;
}

interface Hypothesis {
  output: OutputNode;
  /** log P_transducer of the hypothesis (merged alignments log-added). */
  logProb: number;
  lm: LmState | undefined;
  tokens: TokenCell | undefined;
}

/**
 * Modified beam search (icefall's / sherpa-onnx's `modified_beam_search`): at most one token per encoder
 * frame; every frame, each of the `beamSize` hypotheses is scored by the joiner in one batched run and the
 * `beamSize` best (hypothesis, token) pairs survive, ranked by the transducer's log probability plus, with an
 * LM, its weighted character score (shallow fusion). Hypotheses that spell the same tokens are merged.
 *
 * @param encoderOut row-major (numFrames × encoderDim), frames after subsampling
 */
export async function transducerModifiedBeamSearch(
  model: TransducerBeamStepper,
  encoderOut: Float32Array,
  numFrames: number,
  encoderDim: number,
  options: TransducerBeamSearchOptions,
): Promise<DecodedToken[]> {
  const { lm } = options;
  const beamSize = Math.max(1, options.beamSize);
  // The context starts as [-1, …, -1, blank], as greedy search's.
  const start = new BigInt64Array(model.contextSize).fill(-1n);
  start[model.contextSize - 1] = BigInt(model.blankId);
  const root: OutputNode = { parent: undefined, tokenId: -1, children: new Map(), context: start };
  const childOf = (node: OutputNode, tokenId: number): OutputNode => {
    let child = node.children.get(tokenId);
    if (!child) {
      const context = node.context.slice();
      context.copyWithin(0, 1);
      context[model.contextSize - 1] = BigInt(tokenId);
      child = { parent: node, tokenId, children: new Map(), context };
      node.children.set(tokenId, child);
    }
    return child;
  };
  let beam: Hypothesis[] = [{ output: root, logProb: 0, lm: lm?.initial, tokens: undefined }];
  for (let t = 0; t < numFrames; t++) {
    const frame = encoderOut.subarray(t * encoderDim, (t + 1) * encoderDim);
    const decoderOuts: Float32Array[] = [];
    for (const h of beam) decoderOuts.push(await model.runDecoder(h.output.context));
    const dim = decoderOuts[0].length;
    const encoderRows = new Float32Array(beam.length * encoderDim);
    const decoderRows = new Float32Array(beam.length * dim);
    for (let i = 0; i < beam.length; i++) {
      encoderRows.set(frame, i * encoderDim);
      decoderRows.set(decoderOuts[i], i * dim);
    }
    const logits = await model.runJoinerPairs(encoderRows, decoderRows, beam.length);
    const vocab = logits.length / beam.length;
    const proposals: { h: Hypothesis; token: number; tokenLogProb: number; score: number; lm: LmState | undefined }[] = [];
    for (let i = 0; i < beam.length; i++) {
      const h = beam[i];
      const row = logSoftmax(logits.subarray(i * vocab, (i + 1) * vocab));
      for (const token of topK(row, beamSize)) {
        const silent = token === model.blankId || token === model.unkId;
        const lmState = silent || !lm || !h.lm ? h.lm : lm.extend(h.lm, token);
        proposals.push({ h, token: silent ? -1 : token, tokenLogProb: row[token], score: h.logProb + row[token] + (lmState?.score ?? 0), lm: lmState });
      }
    }
    proposals.sort((a, b) => b.score - a.score);
    const next = new Map<OutputNode, Hypothesis>();
    for (const p of proposals) {
      const output = p.token < 0 ? p.h.output : childOf(p.h.output, p.token);
      const logProb = p.h.logProb + p.tokenLogProb;
      const existing = next.get(output);
      if (existing) {
        existing.logProb = logAddExp(existing.logProb, logProb);
        continue;
      }
      if (next.size >= beamSize) continue;
      const tokens =
        p.token < 0 ? p.h.tokens : { token: { id: p.token, startFrame: t, endFrame: t + 1, logProb: p.tokenLogProb }, previous: p.h.tokens };
      next.set(output, { output, logProb, lm: p.lm, tokens });
    }
    beam = [...next.values()];
  }
  const finalScore = (h: Hypothesis) => h.logProb + (lm && h.lm ? lm.final(h.lm) : 0);
  let best = beam[0];
  for (const h of beam) if (finalScore(h) > finalScore(best)) best = h;
  const tokens: DecodedToken[] = [];
  for (let cell = best.tokens; cell; cell = cell.previous) tokens.push(cell.token);
  return tokens.reverse();
}

function logSoftmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const log = max + Math.log(sum);
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - log;
  return out;
}

/** Indices of the k largest values, largest first (k is small: a selection pass per slot). */
function topK(values: Float32Array, k: number): number[] {
  const out: number[] = [];
  for (let v = 0; v < values.length; v++) {
    if (out.length === k && values[v] <= values[out[k - 1]]) continue;
    let at = out.length < k ? out.length : k - 1;
    while (at > 0 && values[out[at - 1]] < values[v]) at--;
    out.splice(at, 0, v);
    if (out.length > k) out.length = k;
  }
  return out;
}
