import type { DecodedToken } from '../decoded-token';
import type { LmFusion, LmState } from '../lm/lm-fusion';
import { logAddExp } from '../log-math';
import { ctcForcedAlignment } from './ctc-forced-alignment';

export interface CtcBeamSearchOptions {
  /** Hypotheses kept after every frame. */
  beamSize: number;
  /** Optional character LM (shallow fusion). */
  lm?: LmFusion;
}

/** Tokens less likely than this at a frame (natural log, ≈ 3·10⁻⁴) are not tried as extensions there. */
const CANDIDATE_FLOOR = -8;

/** One distinct output prefix (a node of the prefix tree; equal prefixes are the same node). */
interface Prefix {
  parent: Prefix | undefined;
  tokenId: number;
  lm: LmState | undefined;
  children: Map<number, Prefix>;
}

/** A live hypothesis: its prefix, and the log probabilities of the paths ending in blank / in its last token. */
interface Hypothesis {
  prefix: Prefix;
  blank: number;
  nonBlank: number;
}

/**
 * CTC prefix beam search (Graves 2012; Hannun et al. 2014) with optional character-LM shallow fusion: the
 * hypotheses are ranked by log P_ctc(prefix) + the LM's weighted score. Without an LM it is the exact CTC
 * prefix search, limited to `beamSize` prefixes. The winner's tokens get their frames from its most probable
 * path (forced alignment), as greedy search's tokens do.
 *
 * @param logProbs row-major (numFrames × vocabSize) log probabilities, frames after subsampling
 */
export function ctcPrefixBeamSearch(
  logProbs: Float32Array,
  numFrames: number,
  vocabSize: number,
  blankId: number,
  options: CtcBeamSearchOptions,
): DecodedToken[] {
  const { lm } = options;
  const beamSize = Math.max(1, options.beamSize);
  const root: Prefix = { parent: undefined, tokenId: -1, lm: lm?.initial, children: new Map() };
  let beam: Hypothesis[] = [{ prefix: root, blank: 0, nonBlank: -Infinity }];
  const candidates: number[] = [];
  for (let t = 0; t < numFrames; t++) {
    const row = logProbs.subarray(t * vocabSize, (t + 1) * vocabSize);
    pickCandidates(row, blankId, beamSize, candidates);
    const next = new Map<Prefix, Hypothesis>();
    const entry = (prefix: Prefix) => {
      let h = next.get(prefix);
      if (!h) next.set(prefix, (h = { prefix, blank: -Infinity, nonBlank: -Infinity }));
      return h;
    };
    for (const { prefix, blank, nonBlank } of beam) {
      const total = logAddExp(blank, nonBlank);
      const stay = entry(prefix);
      stay.blank = logAddExp(stay.blank, total + row[blankId]);
      // The last token repeated without a blank between collapses into the same prefix.
      if (prefix.tokenId >= 0) stay.nonBlank = logAddExp(stay.nonBlank, nonBlank + row[prefix.tokenId]);
      for (const c of candidates) {
        const p = row[c];
        let child = prefix.children.get(c);
        if (!child) {
          child = { parent: prefix, tokenId: c, lm: lm && prefix.lm && lm.extend(prefix.lm, c), children: new Map() };
          prefix.children.set(c, child);
        }
        const extended = entry(child);
        // A repeat of the last token only starts a new token after a blank.
        extended.nonBlank = logAddExp(extended.nonBlank, (c === prefix.tokenId ? blank : total) + p);
      }
    }
    const score = (h: Hypothesis) => logAddExp(h.blank, h.nonBlank) + (h.prefix.lm?.score ?? 0);
    beam = [...next.values()].sort((a, b) => score(b) - score(a)).slice(0, beamSize);
  }
  const finalScore = (h: Hypothesis) => logAddExp(h.blank, h.nonBlank) + (lm && h.prefix.lm ? lm.final(h.prefix.lm) : 0);
  let best = beam[0];
  for (const h of beam) if (finalScore(h) > finalScore(best)) best = h;
  const ids: number[] = [];
  for (let p: Prefix | undefined = best.prefix; p && p.tokenId >= 0; p = p.parent) ids.push(p.tokenId);
  ids.reverse();
  // Every surviving prefix was spelled by some path, so the alignment exists.
  return ctcForcedAlignment(logProbs, numFrames, vocabSize, blankId, ids) ?? [];
}

/** The non-blank tokens worth extending with at this frame: the `limit` most likely above the floor. */
function pickCandidates(row: Float32Array, blankId: number, limit: number, out: number[]): void {
  out.length = 0;
  for (let v = 0; v < row.length; v++) if (v !== blankId && row[v] > CANDIDATE_FLOOR) out.push(v);
  if (out.length > limit) {
    out.sort((a, b) => row[b] - row[a]);
    out.length = limit;
  }
}
