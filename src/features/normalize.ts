import type { Features } from './fbank';

/**
 * NeMo's `per_feature` normalization as sherpa-onnx applies it: each feature dimension gets zero mean and
 * unit variance over the utterance (population variance, 1e-5 added to the standard deviation). In place.
 */
export function normalizePerFeature(features: Features): void {
  const { data, numFrames, dim } = features;
  if (numFrames === 0) return;
  for (let d = 0; d < dim; d++) {
    let sum = 0;
    let sumSq = 0;
    for (let t = 0; t < numFrames; t++) {
      const v = data[t * dim + d];
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / numFrames;
    const variance = Math.max(0, sumSq / numFrames - mean * mean);
    const invStd = 1 / (Math.sqrt(variance) + 1e-5);
    for (let t = 0; t < numFrames; t++) data[t * dim + d] = (data[t * dim + d] - mean) * invStd;
  }
}
