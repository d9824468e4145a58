import type { Features } from './features';

/** Each feature dimension's mean and 1 / (standard deviation + 1e-5) over an utterance. */
export interface PerFeatureStats {
  mean: Float64Array;
  invStd: Float64Array;
}

/**
 * NeMo's `per_feature` statistics as sherpa-onnx computes them: population variance, 1e-5 added to the
 * standard deviation. Accumulated row by row, in memory order.
 */
export function perFeatureStats(features: Features): PerFeatureStats {
  const { data, numFrames, dim } = features;
  const sum = new Float64Array(dim);
  const sumSq = new Float64Array(dim);
  for (let t = 0, at = 0; t < numFrames; t++) {
    for (let d = 0; d < dim; d++, at++) {
      const v = data[at];
      sum[d] += v;
      sumSq[d] += v * v;
    }
  }
  const mean = new Float64Array(dim);
  const invStd = new Float64Array(dim);
  for (let d = 0; d < dim; d++) {
    mean[d] = numFrames > 0 ? sum[d] / numFrames : 0;
    const variance = numFrames > 0 ? Math.max(0, sumSq[d] / numFrames - mean[d] * mean[d]) : 0;
    invStd[d] = 1 / (Math.sqrt(variance) + 1e-5);
  }
  return { mean, invStd };
}

/** NeMo's `per_feature` normalization, in place: each dimension gets zero mean and unit variance. */
export function normalizePerFeature(features: Features): void {
  const { data, numFrames, dim } = features;
  if (numFrames === 0) return;
  const { mean, invStd } = perFeatureStats(features);
  for (let t = 0, at = 0; t < numFrames; t++) {
    for (let d = 0; d < dim; d++, at++) data[at] = (data[at] - mean[d]) * invStd[d];
  }
}

const BLOCK_FRAMES = 32;

/**
 * (T × D) features → (D × T), channels first as NeMo models take them, normalized per feature on the way
 * when `stats` is given. Works in blocks of frames so reads and writes both stay in cache.
 */
export function toChannelsFirst(features: Features, stats?: PerFeatureStats): Float32Array {
  const { data, numFrames, dim } = features;
  const out = new Float32Array(numFrames * dim);
  for (let t0 = 0; t0 < numFrames; t0 += BLOCK_FRAMES) {
    const t1 = Math.min(numFrames, t0 + BLOCK_FRAMES);
    for (let d = 0; d < dim; d++) {
      const row = d * numFrames;
      const mean = stats ? stats.mean[d] : 0;
      const scale = stats ? stats.invStd[d] : 1;
      for (let t = t0; t < t1; t++) out[row + t] = (data[t * dim + d] - mean) * scale;
    }
  }
  return out;
}
