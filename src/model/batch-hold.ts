/**
 * When a free inference worker holds a batch that is not full for more jobs to join: only while
 * `maxBatchWaitMs` has not passed since its oldest job, batching pays for the model (`pays`, the batch
 * sizer's verdict) and there is load (another worker busy, or the model's last batch had company). A lone
 * stream's job is dispatched at once. While holding, one timer calls `onExpire` when the earliest wait ends.
 */
export class BatchHold {
  /** Size of each model's last batch: a model that batched lately is worth holding a batch for. */
  private readonly lastBatchSize = new Map<string, number>();
  private timer: { handle: NodeJS.Timeout; atMs: number } | null = null;

  constructor(
    private readonly maxBatchSize: number,
    private readonly maxBatchWaitMs: number,
    private readonly pays: (modelId: string) => boolean,
    private readonly onExpire: () => void,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** A batch of `size` jobs of the model ran. */
  noteBatch(modelId: string, size: number): void {
    this.lastBatchSize.set(modelId, size);
  }

  /** Whether to hold the model's next batch (arming the timer for when its wait ends). */
  shouldHold(modelId: string, oldestEnqueuedAtMs: number, otherWorkerBusy: boolean): boolean {
    if (this.maxBatchWaitMs <= 0 || this.maxBatchSize <= 1 || !this.pays(modelId)) return false;
    const untilMs = oldestEnqueuedAtMs + this.maxBatchWaitMs;
    if (this.nowMs() >= untilMs) return false;
    if (!otherWorkerBusy && (this.lastBatchSize.get(modelId) ?? 1) <= 1) return false;
    if (!this.timer || this.timer.atMs > untilMs) {
      if (this.timer) clearTimeout(this.timer.handle);
      const handle = setTimeout(() => {
        this.timer = null;
        this.onExpire();
      }, Math.max(1, Math.ceil(untilMs - this.nowMs())));
      handle.unref();
      this.timer = { handle, atMs: untilMs };
    }
    return true;
  }

  /** No more holding (the pool closes): the timer is cleared. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer.handle);
    this.timer = null;
  }
}
