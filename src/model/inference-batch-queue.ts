import type { JobPriority } from './recognizer';

/** What the batch queue needs to know of a job. */
export interface BatchQueueJob {
  /** Increasing in the order jobs are queued. */
  id: number;
  modelId: string;
  priority: JobPriority;
  /**
   * Jobs with the same key (one live stream's partials) supersede each other while queued: a newer low job
   * takes the place of the older one, which leaves without running. Compared by identity (a Map key).
   */
  supersedeKey?: unknown;
  /** When it was queued, in ms (performance.now()). */
  enqueuedAtMs: number;
}

interface ModelQueues<J> {
  normal: J[];
  low: J[];
}

/**
 * The inference pool's waiting jobs, per model in two priorities (FIFO within each): normal jobs (files,
 * live finals) before low ones (live partials). A batch is one model's jobs of one priority: the model whose
 * oldest normal job waited longest, its normal jobs (else, when no normal job waits, the model whose oldest
 * low job did, its low ones) — a final never waits for partials padded into its batch. A low job with a
 * supersede key replaces its queued predecessor with the same key.
 */
export class InferenceBatchQueue<J extends BatchQueueJob> {
  private readonly byModel = new Map<string, ModelQueues<J>>();
  private readonly lowByKey = new Map<unknown, J>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Jobs waiting per model (both priorities); models with none are left out. */
  sizeByModel(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [modelId, { normal, low }] of this.byModel) if (normal.length + low.length > 0) out[modelId] = normal.length + low.length;
    return out;
  }

  /** Queues a job; returns the queued job it superseded (already removed), if any. */
  push(job: J): J | undefined {
    const queues = this.queuesOf(job.modelId);
    let superseded: J | undefined;
    if (job.priority === 'low' && job.supersedeKey !== undefined) {
      superseded = this.lowByKey.get(job.supersedeKey);
      if (superseded) this.remove(superseded);
      this.lowByKey.set(job.supersedeKey, job);
    }
    (job.priority === 'low' ? queues.low : queues.normal).push(job);
    this.count++;
    return superseded;
  }

  /** Whether a low job with this supersede key is queued (a job pushed with it would replace it). */
  holdsKey(supersedeKey: unknown): boolean {
    return this.lowByKey.has(supersedeKey);
  }

  /** Takes a job out of the queue (cancelled); false when it is not queued. */
  remove(job: J): boolean {
    const queues = this.byModel.get(job.modelId);
    const list = job.priority === 'low' ? queues?.low : queues?.normal;
    const index = list ? list.indexOf(job) : -1;
    if (index < 0) return false;
    list!.splice(index, 1);
    this.forget(job);
    return true;
  }

  /** Takes the most recently queued low job of any model (to make room for a normal one). */
  popNewestLow(): J | undefined {
    let newest: J | undefined;
    for (const { low } of this.byModel.values()) {
      const tail = low[low.length - 1];
      if (tail && (!newest || tail.id > newest.id)) newest = tail;
    }
    if (newest) this.remove(newest);
    return newest;
  }

  /** The model whose turn it is, how many jobs the next batch can take from, and when the oldest was queued; null when empty. */
  peek(): { modelId: string; waiting: number; oldestEnqueuedAtMs: number } | null {
    const modelId = this.nextModel();
    if (modelId === null) return null;
    const { normal, low } = this.byModel.get(modelId)!;
    const jobs = normal.length > 0 ? normal : low;
    return { modelId, waiting: jobs.length, oldestEnqueuedAtMs: jobs[0].enqueuedAtMs };
  }

  /** Takes the next batch (at most `maxSize` jobs of one model and one priority, normal first); empty when none wait. */
  takeBatch(maxSize: number): J[] {
    const modelId = this.nextModel();
    if (modelId === null) return [];
    const queues = this.byModel.get(modelId)!;
    const batch = (queues.normal.length > 0 ? queues.normal : queues.low).splice(0, maxSize);
    for (const job of batch) this.forget(job);
    return batch;
  }

  /** When the longest-waiting normal job (of any model) was queued; null when none waits. */
  oldestNormalEnqueuedAtMs(): number | null {
    let oldest: number | null = null;
    for (const { normal } of this.byModel.values()) if (normal[0] && (oldest === null || normal[0].enqueuedAtMs < oldest)) oldest = normal[0].enqueuedAtMs;
    return oldest;
  }

  /** Empties the queue, returning every job (shutdown). */
  drain(): J[] {
    const all: J[] = [];
    for (const { normal, low } of this.byModel.values()) all.push(...normal.splice(0), ...low.splice(0));
    this.byModel.clear();
    this.lowByKey.clear();
    this.count = 0;
    return all;
  }

  private nextModel(): string | null {
    let best: string | null = null;
    let bestId = Infinity;
    for (const priority of ['normal', 'low'] as const) {
      for (const [modelId, queues] of this.byModel) {
        const head = queues[priority][0];
        if (head && head.id < bestId) {
          best = modelId;
          bestId = head.id;
        }
      }
      if (best !== null) return best;
    }
    return null;
  }

  private queuesOf(modelId: string): ModelQueues<J> {
    let queues = this.byModel.get(modelId);
    if (!queues) {
      queues = { normal: [], low: [] };
      this.byModel.set(modelId, queues);
    }
    return queues;
  }

  private forget(job: J): void {
    this.count--;
    if (job.supersedeKey !== undefined && this.lowByKey.get(job.supersedeKey) === job) this.lowByKey.delete(job.supersedeKey);
  }
}
