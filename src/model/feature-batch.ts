import type { Features } from '../features/features';

/**
 * The shape of one batched model run over utterances' features: the items with frames (`live`, indices into the
 * batch; empty items decode to nothing without running the model), the feature dimension, the longest item's
 * frame count (everything is zero-padded to it) and each live item's own frame count for the model's
 * `length` / `x_lens` input, which makes it mask the padding.
 */
export interface FeatureBatch {
  live: number[];
  dim: number;
  maxFrames: number;
  lengths: BigInt64Array;
}

/** The batch's shape, or null when no item has frames. */
export function featureBatch(items: readonly Features[]): FeatureBatch | null {
  const live = items.map((_, i) => i).filter((i) => items[i].numFrames > 0);
  if (live.length === 0) return null;
  return {
    live,
    dim: items[live[0]].dim,
    maxFrames: Math.max(...live.map((i) => items[i].numFrames)),
    lengths: BigInt64Array.from(live, (i) => BigInt(items[i].numFrames)),
  };
}
