import { ApiError } from '../errors';
import type { InferenceBatchEvent, InferenceObserver, InferenceStreamWorkEvent } from '../model/inference-observer';

/** When new work is refused and how far partials are stretched first (config: CAPACITY_ADMISSION and the rest). */
export interface CapacitySettings {
  /** Busy fraction of the inference workers, over the window, at which new streams and uploads are refused. */
  maxUtilization: number;
  /** 90th-percentile queue wait of normal jobs (finals, file pieces) over the window, in ms, at which they are refused. */
  maxQueueWaitMs: number;
  /** The partial interval is stretched up to this factor (>= 1) before anything is refused. */
  maxPartialIntervalScale: number;
}

export interface CapacityMonitorOptions extends CapacitySettings {
  /** Inference worker threads (the pool's capacity: one model run each at a time). */
  workers: number;
  /** How far back batch events count, in ms. Default 5000. */
  windowMs?: number;
  /** The clock, in ms (tests inject one). Default performance.now. */
  now?: () => number;
  /**
   * Work in progress on the same clock (InferencePool.load): running batches count as busy from their
   * dispatch, and the longest-waiting final's wait counts before it runs. Without it only finished batches count.
   */
  inProgress?: () => { runningSinceMs: number[]; oldestNormalQueuedAtMs: number | null };
}

/** Pressure (see `pressure`) from which partials are stretched; they reach the most stretch at 1, where refusals begin. */
export const DEGRADE_FROM_PRESSURE = 0.7;

interface BatchRecord {
  endMs: number;
  inferenceMs: number;
  modelId: string;
  audioSec: number;
  normalWaitsMs: number[];
}

/** What capacity admission measured for one model over the window. */
export interface ModelCapacityStats {
  /** Inference seconds per audio second (batched runs: the batch's time over its audio). */
  realTimeFactor: number;
  /** 90th-percentile queue wait of its normal jobs (and online stream requests), in ms. */
  queueWaitP90Ms: number;
  /** Model runs: batches, and online stream requests. */
  batches: number;
}

/**
 * Capacity measured from the inference pool's batch and online-stream events (it is the pool's observer): how busy the
 * workers are (inference ms per wall ms over the last few seconds, per worker) and how long finals and file
 * pieces wait. Their ratio to the limits is the pressure; from DEGRADE_FROM_PRESSURE on, partial updates are
 * spaced further apart (`partialIntervalScale`, read by every live session), reaching the most stretch at
 * pressure 1, where new streams and uploads start being refused (`check`) — so partials degrade before
 * anything is refused, and admitted streams (whose finals always queue) stay ahead of real time.
 */
export class CapacityMonitor implements InferenceObserver {
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly startedAtMs: number;
  private records: BatchRecord[] = [];
  /** When each open stream was admitted (by a key of its own). */
  private readonly streams = new Map<object, number>();
  /** When streams that closed were closed: their work is still in the window's utilization. */
  private closedAtMs: number[] = [];
  /** Utilization one warm stream adds (learned; 0 until streams have run a while). */
  private costPerStream = 0;

  constructor(private readonly options: CapacityMonitorOptions) {
    this.windowMs = options.windowMs ?? 5000;
    this.now = options.now ?? (() => performance.now());
    this.startedAtMs = this.now();
  }

  onBatch(event: InferenceBatchEvent): void {
    const normalWaitsMs = event.queueWaitMs.filter((_, i) => event.priorities[i] === 'normal');
    this.records.push({ endMs: this.now(), inferenceMs: event.inferenceMs, modelId: event.modelId, audioSec: event.audioSec, normalWaitsMs });
    this.prune();
  }

  /**
   * An online stream's request ran on its pinned worker, outside the queue: its time keeps the worker busy as a
   * batch does, and its wait counts as a final's (the stream cannot skip it).
   */
  onStreamWork(event: InferenceStreamWorkEvent): void {
    this.records.push({ endMs: this.now(), inferenceMs: event.inferenceMs, modelId: event.modelId, audioSec: event.audioSec, normalWaitsMs: [event.queueWaitMs] });
    this.prune();
  }

  /** Busy fraction of the workers over the window (0..1). */
  utilization(): number {
    this.prune();
    const now = this.now();
    // Right after start the window is not full yet: measure over what has passed (at least 1 s).
    const spanMs = Math.max(1000, Math.min(this.windowMs, now - this.startedAtMs));
    const from = now - spanMs;
    let busyMs = 0;
    for (const r of this.records) busyMs += Math.max(0, Math.min(r.inferenceMs, r.endMs - from));
    for (const startedMs of this.options.inProgress?.().runningSinceMs ?? []) busyMs += Math.max(0, now - Math.max(startedMs, from));
    return Math.min(1, busyMs / (spanMs * Math.max(1, this.options.workers)));
  }

  /** 90th-percentile queue wait of normal jobs (finals, file pieces) over the window, in ms (0 when none ran). */
  queueWaitP90Ms(modelId?: string): number {
    this.prune();
    const waits = this.records.filter((r) => modelId === undefined || r.modelId === modelId).flatMap((r) => r.normalWaitsMs);
    return percentile(waits, 0.9);
  }

  /** The longer of the finished finals' p90 wait and the wait so far of the final queued longest, in ms. */
  queueWaitMs(): number {
    const oldest = this.options.inProgress?.().oldestNormalQueuedAtMs;
    return Math.max(this.queueWaitP90Ms(), oldest === null || oldest === undefined ? 0 : this.now() - oldest);
  }

  /** max(utilization / maxUtilization, queue wait / maxQueueWaitMs): below 1 new work is admitted. */
  pressure(): number {
    return Math.max(this.utilization() / this.options.maxUtilization, this.queueWaitMs() / this.options.maxQueueWaitMs);
  }

  /** How much longer partial updates are spaced now: 1 up to DEGRADE_FROM_PRESSURE, the configured most at pressure 1. */
  partialIntervalScale(): number {
    const ramp = Math.min(1, Math.max(0, (this.pressure() - DEGRADE_FROM_PRESSURE) / (1 - DEGRADE_FROM_PRESSURE)));
    return 1 + (Math.max(1, this.options.maxPartialIntervalScale) - 1) * ramp;
  }

  /**
   * The refusal for a new upload (503 + Retry-After), or null while capacity allows it. For a new `stream`
   * it also looks ahead: streams admitted within the window have not shown their full load yet, so each
   * counts with the learned cost of a warm stream (utilization over streams open a whole window), and the
   * new one too — admission follows capacity even when streams arrive faster than their load shows.
   */
  check(kind: 'stream' | 'upload' = 'upload'): ApiError | null {
    const pressure = this.pressure();
    if (pressure < 1 && (kind === 'upload' || this.predictedUtilization() < this.options.maxUtilization)) return null;
    return new ApiError(503, 'The server is at capacity (its admitted streams and uploads use what it can transcribe in real time); retry shortly.', {
      code: 'server_overloaded',
      retryAfterSec: Math.max(1, Math.ceil(this.windowMs / 2000)),
    });
  }

  /** An admitted stream has opened; call the result when it closes. */
  streamOpened(): () => void {
    const key = {};
    this.streams.set(key, this.now());
    return () => {
      if (this.streams.delete(key)) this.closedAtMs.push(this.now());
    };
  }

  /** Utilization once the streams admitted lately and one more are warm. */
  predictedUtilization(): number {
    const utilization = this.utilization();
    const warmSince = this.now() - this.windowMs;
    const recent = [...this.streams.values()].filter((at) => at > warmSince).length;
    this.closedAtMs = this.closedAtMs.filter((at) => at > warmSince);
    // Streams open a whole window, and those closed within it, made the measured load (recent ones some too:
    // the cost is an upper bound).
    const warm = this.streams.size - recent + this.closedAtMs.length;
    if (warm > 0) this.costPerStream = utilization / warm;
    // No stream open or lately closed: nothing to learn from, and an old figure (uploads' load counted on a
    // few streams, say) would hold the next stream back.
    else if (this.streams.size === 0) this.costPerStream = 0;
    return utilization + this.costPerStream * (recent + 1);
  }

  /** Per model over the window: real-time factor, queue wait and batches (for /status and benchmarks). */
  perModel(): Record<string, ModelCapacityStats> {
    this.prune();
    const out: Record<string, ModelCapacityStats> = {};
    for (const modelId of new Set(this.records.map((r) => r.modelId))) {
      const mine = this.records.filter((r) => r.modelId === modelId);
      const audioSec = mine.reduce((sum, r) => sum + r.audioSec, 0);
      const inferenceSec = mine.reduce((sum, r) => sum + r.inferenceMs, 0) / 1000;
      out[modelId] = { realTimeFactor: audioSec > 0 ? inferenceSec / audioSec : 0, queueWaitP90Ms: this.queueWaitP90Ms(modelId), batches: mine.length };
    }
    return out;
  }

  private prune(): void {
    const from = this.now() - this.windowMs;
    if (this.records.length > 0 && this.records[0].endMs < from) this.records = this.records.filter((r) => r.endMs >= from);
  }
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
