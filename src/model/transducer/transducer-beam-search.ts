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
  beamSize: number;
  lm?: LmFusion;
}

interface Hypothesis {
  /** Token ids emitted so far, and the same as a string key (equal outputs merge). */
  ids: number[];
  key: string;
  /** log P_transducer of the hypothesis (merged paths log-added). */
  logProb: number;
  lm: LmState | undefined;
  tokens: DecodedToken[];
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
  let beam: Hypothesis[] = [{ ids: [], key: '', logProb: 0, lm: lm?.initial, tokens: [] }];
  for (let t = 0; t < numFrames; t++) {
    const frame = encoderOut.subarray(t * encoderDim, (t + 1) * encoderDim);
    const decoderOuts = await Promise.all(beam.map((h) => model.runDecoder(contextOf(h.ids, model.contextSize, model.blankId))));
    const dim = decoderOuts[0].length;
    const encoderRows = new Float32Array(beam.length * encoderDim);
    const decoderRows = new Float32Array(beam.length * dim);
    beam.forEach((_, i) => {
      encoderRows.set(frame, i * encoderDim);
      decoderRows.set(decoderOuts[i], i * dim);
    });
    const logits = await model.runJoinerPairs(encoderRows, decoderRows, beam.length);
    const vocab = logits.length / beam.length;
    const next = new Map<string, Hypothesis>();
    const proposals: { h: Hypothesis; token: number; logProb: number; score: number; lm: LmState | undefined }[] = [];
    beam.forEach((h, i) => {
      const row = logSoftmax(logits.subarray(i * vocab, (i + 1) * vocab));
      for (const token of topK(row, beamSize)) {
        const logProb = h.logProb + row[token];
        const silent = token === model.blankId || token === model.unkId;
        const lmState = silent || !lm || !h.lm ? h.lm : lm.extend(h.lm, token);
        proposals.push({ h, token: silent ? -1 : token, logProb: row[token], score: logProb + (lmState?.score ?? 0), lm: lmState });
      }
    });
    proposals.sort((a, b) => b.score - a.score);
    for (const p of proposals) {
      const key = p.token < 0 ? p.h.key : `${p.h.key},${p.token}`;
      const logProb = p.h.logProb + p.logProb;
      const existing = next.get(key);
      if (existing) {
        existing.logProb = logAddExp(existing.logProb, logProb);
        continue;
      }
      if (next.size >= beamSize) continue;
      next.set(
        key,
        p.token < 0
          ? { ...p.h, logProb }
          : {
              ids: [...p.h.ids, p.token],
              key,
              logProb,
              lm: p.lm,
              tokens: [...p.h.tokens, { id: p.token, startFrame: t, endFrame: t + 1, logProb: p.logProb }],
            },
      );
    }
    beam = [...next.values()];
  }
  const finalScore = (h: Hypothesis) => h.logProb + (lm && h.lm ? lm.final(h.lm) : 0);
  let best = beam[0];
  for (const h of beam) if (finalScore(h) > finalScore(best)) best = h;
  return best.tokens;
}

/** The decoder input for a hypothesis: its last `contextSize` ids, padded on the left as greedy search does. */
function contextOf(ids: readonly number[], contextSize: number, blankId: number): BigInt64Array {
  const initial: number[] = [...Array<number>(contextSize - 1).fill(-1), blankId];
  return BigInt64Array.from(initial.concat(ids.slice(-contextSize)).slice(-contextSize), (id) => BigInt(id));
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

/** Indices of the k largest values. */
function topK(values: Float32Array, k: number): number[] {
  const idx = Array.from(values.keys());
  idx.sort((a, b) => values[b] - values[a]);
  return idx.slice(0, k);
}
