import type { Features } from '../features/features';
import { featureBatch } from './feature-batch';

const features = (numFrames: number, dim = 80): Features => ({ data: new Float32Array(numFrames * dim), numFrames, dim });

describe('featureBatch', () => {
  test('skips empty items, pads to the longest, and gives each live item its own length', () => {
    expect(featureBatch([features(0), features(12), features(0), features(30)])).toEqual({ live: [1, 3], dim: 80, maxFrames: 30, lengths: BigInt64Array.from([12n, 30n]) });
  });

  test('no item with frames: no model run', () => {
    expect(featureBatch([features(0), features(0)])).toBeNull();
    expect(featureBatch([])).toBeNull();
  });
});
