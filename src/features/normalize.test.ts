import { normalizePerFeature, perFeatureStats, toChannelsFirst } from './normalize';

function features(numFrames: number, dim: number) {
  const data = Float32Array.from({ length: numFrames * dim }, (_, i) => Math.sin(i * 0.37) * (1 + (i % dim)) + (i % dim));
  return { data, numFrames, dim };
}

describe('per-feature normalization', () => {
  test('gives every dimension zero mean and unit variance', () => {
    const f = features(300, 8);
    normalizePerFeature(f);
    for (let d = 0; d < 8; d++) {
      let sum = 0;
      let sumSq = 0;
      for (let t = 0; t < 300; t++) {
        sum += f.data[t * 8 + d];
        sumSq += f.data[t * 8 + d] ** 2;
      }
      expect(sum / 300).toBeCloseTo(0, 4);
      expect(sumSq / 300).toBeCloseTo(1, 3);
    }
  });

  test.each([1, 31, 32, 33, 250])('toChannelsFirst over %i frames equals normalize-then-transpose', (numFrames) => {
    const a = features(numFrames, 80);
    const b = features(numFrames, 80);
    const out = toChannelsFirst(a, perFeatureStats(a));
    normalizePerFeature(b);
    for (let t = 0; t < numFrames; t++) for (let d = 0; d < 80; d++) expect(out[d * numFrames + t]).toBeCloseTo(b.data[t * 80 + d], 5);
  });

  test('toChannelsFirst without statistics only transposes', () => {
    const f = features(40, 3);
    const out = toChannelsFirst(f);
    expect(out[2 * 40 + 5]).toBe(f.data[5 * 3 + 2]);
  });
});
