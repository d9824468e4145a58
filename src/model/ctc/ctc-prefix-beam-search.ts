import type { DecodedToken } from '../decoded-token';
import type { LmFusion, LmState } from '../lm/lm-fusion';
import { logAddExp } from '../log-math';
import { ctcForcedAlignment } from './ctc-forced-alignment';

export interface CtcBeamSearchOptions {
  /** Hypotheses kept after every frame. */
  beamSize: number;
  /** Optional text scorer: the character LM (shallow fusion) and the request's hotwords. */
  lm?: LmFusion;
  /**
   * What each token spells (`TokenTable.spellings`). Given, prefixes that spell the same text through different
   * token sequences (word pieces: `▁th`+`e` and `▁the`) are merged into the more probable one after every
   * frame, so they share one place in the beam instead of crowding out other texts.
   */
  spellings?: readonly string[];
}

/** Tokens less likely than this at a frame (natural log, ≈ 0.007) are not tried as extensions there: on the dev
 * set -5 loses nothing against -8 and takes a third less time; -3 costs 1.2 points of WER. */
const CANDIDATE_FLOOR = -5;

/**
 * One distinct output prefix (a node of the prefix tree; equal prefixes are the same node). A node also
 * accumulates its path probabilities for the frame being computed (`frame` says which), which spares a map.
 */
interface Prefix {
  parent: Prefix | undefined;
  tokenId: number;
  /** The text the prefix spells (only with `spellings`; '' otherwise). */
  text: string;
  lm: LmState | undefined;
  children: Map<number, Prefix>;
  /** The frame whose probabilities `blank` / `nonBlank` hold. */
  frame: number;
  /** log P of the paths ending in blank / in the prefix's last token, up to and including `frame`. */
  blank: number;
  nonBlank: number;
  /** Ranking score at `frame`: log P_ctc + the LM's weighted score. */
  score: number;
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
  const { lm, spellings } = options;
  const beamSize = Math.max(1, options.beamSize);
  const node = (parent: Prefix | undefined, tokenId: number, lmState: LmState | undefined): Prefix => ({
    parent,
    tokenId,
    text: spellings && parent ? spelledAfter(parent.text, spellings[tokenId]) : '',
    lm: lmState,
    children: new Map(),
    frame: -1,
    blank: -Infinity,
    nonBlank: -Infinity,
    score: -Infinity,
  });
  const root = node(undefined, -1, lm?.initial);
  root.blank = 0;
  let beam: Prefix[] = [root];
  let prev = { blank: new Float64Array(1), nonBlank: new Float64Array(1).fill(-Infinity) };
  const candidates: number[] = [];
  const touched: Prefix[] = [];
  for (let t = 0; t < numFrames; t++) {
    const row = logProbs.subarray(t * vocabSize, (t + 1) * vocabSize);
    pickCandidates(row, blankId, beamSize, candidates);
    touched.length = 0;
    const entry = (prefix: Prefix) => {
      if (prefix.frame !== t) {
        prefix.frame = t;
        prefix.blank = -Infinity;
        prefix.nonBlank = -Infinity;
        touched.push(prefix);
      }
      return prefix;
    };
    // The beam's probabilities at t − 1 are read from `prev` (the nodes' own fields are overwritten at t).
    for (let i = 0; i < beam.length; i++) {
      const prefix = beam[i];
      const blank = prev.blank[i];
      const nonBlank = prev.nonBlank[i];
      const total = logAddExp(blank, nonBlank);
      const stay = entry(prefix);
      stay.blank = logAddExp(stay.blank, total + row[blankId]);
      // The last token repeated without a blank between collapses into the same prefix.
      if (prefix.tokenId >= 0) stay.nonBlank = logAddExp(stay.nonBlank, nonBlank + row[prefix.tokenId]);
      for (const c of candidates) {
        let child = prefix.children.get(c);
        if (!child) {
          child = node(prefix, c, lm && prefix.lm && lm.extend(prefix.lm, c));
          prefix.children.set(c, child);
        }
        const extended = entry(child);
        // A repeat of the last token only starts a new token after a blank.
        extended.nonBlank = logAddExp(extended.nonBlank, (c === prefix.tokenId ? blank : total) + row[c]);
      }
    }
    for (const p of touched) p.score = logAddExp(p.blank, p.nonBlank) + (p.lm?.score ?? 0);
    if (spellings) mergeSameText(touched);
    beam = touched.length > beamSize ? touched.sort((a, b) => b.score - a.score).slice(0, beamSize) : touched.slice();
    prev = { blank: Float64Array.from(beam, (p) => p.blank), nonBlank: Float64Array.from(beam, (p) => p.nonBlank) };
  }
  const finalScore = (p: Prefix, i: number) => logAddExp(prev.blank[i], prev.nonBlank[i]) + (lm && p.lm ? lm.final(p.lm) : 0);
  let best = 0;
  for (let i = 1; i < beam.length; i++) if (finalScore(beam[i], i) > finalScore(beam[best], best)) best = i;
  const ids: number[] = [];
  for (let p: Prefix | undefined = beam[best]; p && p.tokenId >= 0; p = p.parent) ids.push(p.tokenId);
  ids.reverse();
  // Every surviving prefix was spelled by some path, so the alignment exists.
  return ctcForcedAlignment(logProbs, numFrames, vocabSize, blankId, ids) ?? [];
}

/** `text` followed by a token's spelling; a word boundary at the start or after another one spells nothing. */
function spelledAfter(text: string, spelling: string): string {
  return spelling.startsWith(' ') && (text === '' || text.endsWith(' ')) ? text + spelling.slice(1) : text + spelling;
}

/**
 * Merges prefixes of the frame that spell the same text into the most probable one (its path probabilities
 * get the others', which then leave the beam), as pyctcdecode merges beams by text. An approximation for the
 * merged paths' next token: the survivor's last token decides what a repeat without blank means.
 */
function mergeSameText(touched: Prefix[]): void {
  const slotOf = new Map<string, number>();
  let kept = 0;
  for (const p of touched) {
    const slot = slotOf.get(p.text);
    if (slot === undefined) {
      slotOf.set(p.text, kept);
      touched[kept++] = p;
      continue;
    }
    const other = touched[slot];
    const survivor = p.score > other.score ? p : other;
    const merged = survivor === p ? other : p;
    survivor.blank = logAddExp(survivor.blank, merged.blank);
    survivor.nonBlank = logAddExp(survivor.nonBlank, merged.nonBlank);
    survivor.score = logAddExp(survivor.blank, survivor.nonBlank) + (survivor.lm?.score ?? 0);
    touched[slot] = survivor;
  }
  touched.length = kept;
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
