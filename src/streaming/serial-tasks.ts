/**
 * A transcriber's work queue: async tasks run one after another in the order queued, and a failed task does not
 * stop the ones after it (its caller gets the rejection). A "pump" (process whatever audio has arrived) is
 * coalesced: at most one waits in the queue, since one run handles everything that arrived before it starts.
 */
export class SerialTasks {
  private tail: Promise<void> = Promise.resolve();
  private pumpQueued = false;

  /** Resolves once every task queued so far has run. */
  get settled(): Promise<void> {
    return this.tail;
  }

  /** Queues `task` after the others; resolves or rejects with its result. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Queues `pump` unless a pump is already waiting to start. */
  schedulePump(pump: () => Promise<void>): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    void this.run(async () => {
      this.pumpQueued = false;
      await pump();
    });
  }
}
