/**
 * How much of an inference worker thread's time each task used, when tasks interleave. onnxruntime-node runs a
 * session synchronously (each `run` is one `setImmediate` turn), so a worker's tasks never run at the same
 * instant, but they do interleave at their awaits: a batch job and the chunk requests of the online streams
 * pinned to the worker take turns. A task's wall time from start to end would count the turns of every task
 * interleaved with it, so the sum over tasks would exceed the time the thread was busy (N streams fed at once
 * would each report about N times their own work).
 *
 * The clock shares the elapsed time equally among the tasks active in it (each gets `elapsed / active`), so
 * the tasks' times always add up to the time at least one task was active: the thread's busy time. A task
 * alone is charged its wall time exactly.
 */
export class WorkerBusyClock {
  /** Time charged so far to each active task, in ms. */
  private readonly active = new Map<object, number>();
  private lastMs: number;

  constructor(private readonly nowMs: () => number = () => performance.now()) {
    this.lastMs = nowMs();
  }

  /** Tasks active now. */
  get activeTasks(): number {
    return this.active.size;
  }

  /** A task starts now; call the result when it ends: it returns the ms charged to the task (once). */
  begin(): () => number {
    this.advance();
    const key = {};
    this.active.set(key, 0);
    let chargedMs: number | null = null;
    return () => {
      if (chargedMs === null) {
        this.advance();
        chargedMs = this.active.get(key) ?? 0;
        this.active.delete(key);
      }
      return chargedMs;
    };
  }

  /** Charges the time since the last event to the tasks active through it, in equal shares. */
  private advance(): void {
    const now = this.nowMs();
    const elapsedMs = Math.max(0, now - this.lastMs);
    this.lastMs = now;
    if (this.active.size === 0 || elapsedMs === 0) return;
    const shareMs = elapsedMs / this.active.size;
    for (const [key, chargedMs] of this.active) this.active.set(key, chargedMs + shareMs);
  }
}
