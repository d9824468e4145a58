import type { DecodedToken } from '../decoded-token';

/**
 * CTC greedy search: the best token per frame, repeats merged, blanks dropped (as sherpa-onnx's
 * OfflineCtcGreedySearchDecoder). A token spans the frames of its run of repeats; its log probability is the
 * best one over that run.
 *
 * @param logProbs row-major (numFrames × vocabSize) log probabilities, frames after subsampling
 */
export function ctcGreedyDecode(logProbs: Float32Array, numFrames: number, vocabSize: number, blankId: number): DecodedToken[] {
  const tokens: DecodedToken[] = [];
  let previous = -1;
  for (let t = 0; t < numFrames; t++) {
    const row = t * vocabSize;
    let best = 0;
    let bestScore = logProbs[row];
    for (let v = 1; v < vocabSize; v++) {
      const s = logProbs[row + v];
      if (s > bestScore) {
        bestScore = s;
        best = v;
      }
    }
    if (best !== blankId) {
      if (best === previous) {
        const last = tokens[tokens.length - 1];
        last.endFrame = t + 1;
        if (bestScore > last.logProb) last.logProb = bestScore;
      } else tokens.push({ id: best, startFrame: t, endFrame: t + 1, logProb: bestScore });
    }
    previous = best;
  }
  return tokens;
}
