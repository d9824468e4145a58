import type { DecodedToken } from '../decoded-token';

/**
 * The most probable CTC path (Viterbi) that spells exactly `ids`: each token gets the run of frames the path
 * spends on it, and its best log probability over that run (as greedy search reports it). This gives beam
 * search's output the same timing semantics as greedy search. Returns undefined when `ids` cannot be spelled
 * in `numFrames` frames.
 *
 * @param logProbs row-major (numFrames × vocabSize) log probabilities
 */
export function ctcForcedAlignment(
  logProbs: Float32Array,
  numFrames: number,
  vocabSize: number,
  blankId: number,
  ids: readonly number[],
): DecodedToken[] | undefined {
  if (ids.length === 0) return [];
  // Extended labels: blank, id0, blank, id1, …, blank.
  const states = 2 * ids.length + 1;
  const label = (s: number) => (s % 2 === 0 ? blankId : ids[(s - 1) / 2]);
  let score = new Float64Array(states).fill(-Infinity);
  let next = new Float64Array(states);
  const from = new Uint8Array(numFrames * states); // 0: stayed, 1: from s − 1, 2: from s − 2
  score[0] = logProbs[label(0)];
  score[1] = logProbs[label(1)];
  for (let t = 1; t < numFrames; t++) {
    const row = t * vocabSize;
    for (let s = 0; s < states; s++) {
      let best = score[s];
      let step = 0;
      if (s >= 1 && score[s - 1] > best) {
        best = score[s - 1];
        step = 1;
      }
      // Skipping the blank between two tokens is allowed unless they are the same token.
      if (s >= 2 && s % 2 === 1 && label(s) !== label(s - 2) && score[s - 2] > best) {
        best = score[s - 2];
        step = 2;
      }
      next[s] = best + logProbs[row + label(s)];
      from[t * states + s] = step;
    }
    [score, next] = [next, score];
  }
  let s = score[states - 1] >= score[states - 2] ? states - 1 : states - 2;
  if (score[s] === -Infinity) return undefined;
  const tokens: DecodedToken[] = ids.map((id) => ({ id, startFrame: numFrames, endFrame: 0, logProb: -Infinity }));
  for (let t = numFrames - 1; t >= 0; t--) {
    if (s % 2 === 1) {
      const token = tokens[(s - 1) / 2];
      token.startFrame = t;
      token.endFrame = Math.max(token.endFrame, t + 1);
      token.logProb = Math.max(token.logProb, logProbs[t * vocabSize + label(s)]);
    }
    s -= from[t * states + s];
  }
  return tokens;
}
