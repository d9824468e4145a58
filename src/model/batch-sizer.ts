/** Batching must save at least this share of the one-by-one cost per audio second to be used. */
export const MIN_BATCH_GAIN = 0.1;
/** When batching does not pay, one dispatch in this many still runs a batch, to notice when it starts paying. */
export const PROBE_EVERY = 16;
/** Weight of the newest run in the running cost averages. */
const NEW_WEIGHT = 0.2;

interface ModelCost {
  /** Inference ms per audio second of runs of one job, and of batches (padding included); null until seen. */
  singleMsPerSec: number | null;
  batchedMsPerSec: number | null;
  sinceProbe: number;
}

/**
 * How many waiting jobs a free worker takes, per model, from measured cost: batching is used only where it
 * pays. A batch costs its longest item times its size (padding) and holds every item until the last is done,
 * so on a CPU thread running a compute-bound model it saves little and delays much; with per-run overhead to
 * share (a GPU, a model with heavy fixed costs) it saves a lot. Runs of one and batches are both timed; while
 * batches do not cost at least MIN_BATCH_GAIN less per audio second, jobs run one by one (a batch now and
 * then keeps measuring).
 */
export class BatchSizer {
  private readonly costs = new Map<string, ModelCost>();

  constructor(
    private readonly maxBatchSize: number,
    /** false: always batch up to the limit (tests, and benchmarks that compare). */
    private readonly adaptive = true,
  ) {}

  /** The batch size for `waiting` jobs of `modelId` shared among `freeWorkers` free workers. */
  sizeFor(modelId: string, waiting: number, freeWorkers: number): number {
    const size = Math.min(this.maxBatchSize, Math.ceil(waiting / Math.max(1, freeWorkers)));
    if (size <= 1 || this.pays(modelId)) return Math.max(1, size);
    const cost = this.costs.get(modelId)!;
    if (++cost.sinceProbe >= PROBE_EVERY) {
      cost.sinceProbe = 0;
      return size;
    }
    return 1;
  }

  /** Whether batching this model pays (or is still being measured): worth holding a worker for. */
  pays(modelId: string): boolean {
    if (!this.adaptive) return true;
    const cost = this.costs.get(modelId);
    if (!cost || cost.singleMsPerSec === null || cost.batchedMsPerSec === null) return true;
    return cost.batchedMsPerSec <= (1 - MIN_BATCH_GAIN) * cost.singleMsPerSec;
  }

  /** A model run of `batchSize` jobs over `audioSec` seconds of audio took `inferenceMs`. */
  record(modelId: string, batchSize: number, inferenceMs: number, audioSec: number): void {
    if (audioSec <= 0) return;
    let cost = this.costs.get(modelId);
    if (!cost) {
      cost = { singleMsPerSec: null, batchedMsPerSec: null, sinceProbe: 0 };
      this.costs.set(modelId, cost);
    }
    const msPerSec = inferenceMs / audioSec;
    const key = batchSize === 1 ? 'singleMsPerSec' : 'batchedMsPerSec';
    const previous = cost[key];
    cost[key] = previous === null ? msPerSec : (1 - NEW_WEIGHT) * previous + NEW_WEIGHT * msPerSec;
  }
}
