import { Worker } from 'node:worker_threads';
import { ApiError } from '../errors';
import { resolveWorkerScript } from '../util/worker-script';
import { BatchHold } from './batch-hold';
import { BatchSizer } from './batch-sizer';
import type { InferenceObserver } from './inference-observer';
import { InferenceJobs, type PendingJob } from './inference-jobs';
import type { InferenceWorkerData, LoadedModelInfo, WorkerRequest, WorkerResponse } from './inference-protocol';
import type { ModelLayout } from './model-layout';
import type { OnlineRecognizerStream } from './online-recognizer-stream';
import type { ExecutionProvider } from './ort-session';
import type { JobPriority, RecognitionResult } from './recognizer';
import { GREEDY_DECODING, type DecodingConfig, type TextContext } from './decoding';
import { StreamPinning, type StreamPinningStats } from './stream-pinning';
import { WorkerModelAdds } from './worker-model-adds';

export interface InferencePoolOptions {
  layouts: Record<string, ModelLayout>;
  executionProvider: ExecutionProvider;
  /** How models decode; greedy search when not given. */
  decoding?: DecodingConfig;
  workers: number;
  threadsPerWorker: number;
  /**
   * Jobs allowed to wait; beyond it a low job is refused with 503 + Retry-After and a normal one takes the
   * newest low one's place (or queues anyway: finals of admitted streams are never dropped).
   */
  queueDepth: number;
  onWarning?: (message: string) => void;
  onWorkerError?: (message: string) => void;
  /** Tests only: see InferenceWorkerData.crashOnModelId. */
  crashOnModelId?: string;
  /** How long `close` waits for running jobs before stopping the workers, in ms. Default 10 s. */
  closeGraceMs?: number;
  /** Most jobs of one model run together in one model run (dynamic batching); 1 runs every job alone. Default 1. */
  maxBatchSize?: number;
  /**
   * How long a free worker holds a batch that is not full for more jobs to join, in ms, counted from its
   * oldest job; only while other work is in flight (a lone stream's job never waits). 0 never holds. Default 0.
   */
  maxBatchWaitMs?: number;
  /**
   * 'adaptive' (default): batches are used for a model only while they cost less per audio second than runs
   * of one (batch-sizer.ts); 'always': every free worker takes up to `maxBatchSize` waiting jobs.
   */
  batchPolicy?: 'adaptive' | 'always';
  /** Told of every model run and every job that leaves without running (metrics, traces, /status, admission). */
  observer?: InferenceObserver;
}

export interface TimedResult {
  result: RecognitionResult;
  /** Time the worker spent on features + model + decoding of the job's whole batch, in ms. */
  inferenceMs: number;
}

interface Job extends PendingJob {
  samples: Float32Array;
  /** `samples.length` when queued (a transferred buffer is detached once sent). */
  sampleCount: number;
  /** Move the samples' buffer to the worker instead of copying it. */
  transfer: boolean;
  /** The request's hotwords and preceding text. */
  text?: TextContext;
  resolve: (value: TimedResult) => void;
}

interface Slot {
  worker: Worker;
  /** The jobs running on this worker (one model run), or null when it is free. */
  batch: Job[] | null;
  /** Per job of `batch`: ms from queueing to dispatch. */
  queueWaitMs: number[];
  /** When `batch` was sent to the worker (performance.now()). */
  dispatchedAtMs: number;
  ready: boolean;
}

/** How a job is queued (see RecognizeOptions). */
export interface JobOptions {
  signal?: AbortSignal;
  transfer?: boolean;
  priority?: JobPriority;
  text?: TextContext;
  /** A low job replaces the queued low job with the same key (one stream's older partial); see BatchQueueJob. */
  supersedeKey?: unknown;
}

/**
 * A fixed set of inference worker threads, each holding every model, fed from one bounded queue in two
 * priorities (inference-batch-queue.ts): normal jobs (files, live finals) before low ones (live partial
 * updates). A free worker takes a batch: up to `maxBatchSize` queued jobs of one model, run together
 * (padded to the longest, lengths honoured; see AcousticModel.decodeBatch); it holds a batch that is not
 * full up to `maxBatchWaitMs` only while other work is in flight. A stream's newer partial replaces its
 * queued older one. Bounded at the edge (inference-jobs.ts): a full queue sheds new low jobs with 503, and a
 * normal job displaces the newest low one (or queues beyond the depth), so under load partials thin out and no
 * final is lost; an aborted queued job is dropped; a crashed worker fails only its own batch and is replaced.
 */
export class InferencePool {
  private readonly slots: Slot[] = [];
  /** The waiting jobs: admission at the queue's depth, cancellation, supersession (inference-jobs.ts). */
  private readonly jobs: InferenceJobs<Job>;
  private readonly maxBatchSize: number;
  private readonly sizer: BatchSizer;
  private readonly hold: BatchHold;
  private nextJobId = 1;
  private closed = false;
  private readyPromise: Promise<Record<string, LoadedModelInfo>> | null = null;
  private readonly script = resolveWorkerScript(__dirname, 'inference-worker');
  /** addModel requests waiting for the workers' answers. */
  private readonly modelAdds = new WorkerModelAdds((warning) => this.options.onWarning?.(warning));
  /** Streams of online models, each pinned to the worker holding its state; their requests' work is observed too. */
  private readonly streams = new StreamPinning((event) => this.options.observer?.onStreamWork?.(event));
  /** Mean job time, for Retry-After estimates. */
  private meanJobMs = 500;
  models: Record<string, LoadedModelInfo> = {};

  constructor(private readonly options: InferencePoolOptions) {
    this.jobs = new InferenceJobs<Job>({
      queueDepth: options.queueDepth,
      onShed: ({ modelId, priority }, reason) => options.observer?.onShed?.({ modelId, reason, priority }),
      overloaded: () => this.overloaded(),
    });
    this.maxBatchSize = Math.max(1, Math.floor(options.maxBatchSize ?? 1));
    this.sizer = new BatchSizer(this.maxBatchSize, (options.batchPolicy ?? 'adaptive') === 'adaptive');
    const maxBatchWaitMs = Math.max(0, options.maxBatchWaitMs ?? 0);
    this.hold = new BatchHold(this.maxBatchSize, maxBatchWaitMs, (modelId) => this.sizer.pays(modelId), () => this.pump());
  }

  /** Starts the workers and resolves once every one has loaded every model. */
  start(): Promise<Record<string, LoadedModelInfo>> {
    if (!this.readyPromise) {
      this.readyPromise = Promise.all(Array.from({ length: this.options.workers }, () => this.spawn())).then((infos) => {
        this.models = infos[0] ?? {};
        return this.models;
      });
    }
    return this.readyPromise;
  }

  private spawn(): Promise<Record<string, LoadedModelInfo>> {
    const data: InferenceWorkerData = {
      layouts: this.options.layouts,
      executionProvider: this.options.executionProvider,
      threads: this.options.threadsPerWorker,
      decoding: this.options.decoding ?? GREEDY_DECODING,
      crashOnModelId: this.options.crashOnModelId,
    };
    const worker = new Worker(this.script, { workerData: data });
    const slot: Slot = { worker, batch: null, queueWaitMs: [], dispatchedAtMs: 0, ready: false };
    this.slots.push(slot);
    return new Promise((resolve, reject) => {
      worker.on('message', (message: WorkerResponse) => {
        switch (message.type) {
          case 'ready':
            slot.ready = true;
            message.warnings.forEach((w) => this.options.onWarning?.(w));
            resolve(message.models);
            this.pump();
            break;
          case 'modelAdded':
          case 'modelAddFailed':
            this.modelAdds.onMessage(message);
            break;
          case 'streamResult':
          case 'streamError':
            this.streams.onMessage(message);
            break;
          case 'fatal':
            reject(new Error(`inference worker failed to load models: ${message.message}`));
            break;
          case 'result':
          case 'batchResult':
          case 'error':
            this.finish(slot, message);
            break;
        }
      });
      worker.on('error', (err) => {
        this.options.onWorkerError?.(err.message);
        reject(err);
      });
      worker.on('exit', (code) => {
        const index = this.slots.indexOf(slot);
        if (index >= 0) this.slots.splice(index, 1);
        this.streams.onWorkerExit(worker);
        for (const job of slot.batch ?? []) job.reject(new ApiError(500, 'The inference worker stopped while processing this request.', { code: 'inference_failed' }));
        slot.batch = null;
        if (!this.closed && slot.ready) {
          this.options.onWorkerError?.(`inference worker exited with code ${code}; starting a new one`);
          this.spawn().catch((err) => this.options.onWorkerError?.((err as Error).message));
        }
      });
    });
  }

  private finish(slot: Slot, message: Extract<WorkerResponse, { type: 'result' | 'batchResult' | 'error' }>): void {
    const batch = slot.batch;
    slot.batch = null;
    if (batch && batch[0].id === message.jobId) {
      const { modelId } = batch[0];
      this.hold.noteBatch(modelId, batch.length);
      if (message.type === 'error') {
        for (const job of batch) job.reject(new ApiError(500, 'Inference failed.', { code: 'inference_failed', cause: new Error(message.message) }));
      } else {
        const { inferenceMs } = message;
        const audioSec = batch.reduce((sum, job) => sum + job.sampleCount, 0) / 16000;
        this.meanJobMs = 0.9 * this.meanJobMs + 0.1 * (inferenceMs / batch.length);
        this.sizer.record(modelId, batch.length, inferenceMs, audioSec);
        this.options.observer?.onBatch?.({
          modelId,
          batchSize: batch.length,
          queueWaitMs: slot.queueWaitMs,
          inferenceMs,
          audioSec,
          priorities: batch.map((job) => job.priority),
        });
        const results = message.type === 'result' ? [message.result] : message.results;
        batch.forEach((job, i) => job.resolve({ result: results[i], inferenceMs }));
      }
    }
    // After the callers have heard (their promise callbacks run first): a stream answered now sends its newer
    // partial, which replaces its older one still queued before a worker takes that.
    setImmediate(() => this.pump());
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.batch) continue;
      let batch: Job[] = [];
      while (batch.length === 0) {
        const next = this.jobs.queue.peek();
        if (!next) return;
        if (next.waiting < this.maxBatchSize && this.hold.shouldHold(next.modelId, next.oldestEnqueuedAtMs, this.slots.some((s) => s.batch))) return;
        // The waiting jobs are shared among the free workers (all cores busy) rather than all given to the first.
        const free = this.slots.filter((s) => s.ready && !s.batch).length;
        batch = this.jobs.take(this.sizer.sizeFor(next.modelId, next.waiting, free));
      }
      this.dispatch(slot, batch);
    }
  }

  private dispatch(slot: Slot, batch: Job[]): void {
    const now = performance.now();
    slot.batch = batch;
    slot.dispatchedAtMs = now;
    slot.queueWaitMs = batch.map((job) => now - job.enqueuedAtMs);
    const transfers: ArrayBuffer[] = [];
    for (const { samples, transfer } of batch) {
      if (transfer && samples.byteOffset === 0 && samples.byteLength === samples.buffer.byteLength) transfers.push(samples.buffer as ArrayBuffer);
    }
    const [first] = batch;
    const request: WorkerRequest =
      batch.length === 1
        ? { type: 'recognize', jobId: first.id, modelId: first.modelId, samples: first.samples, text: first.text }
        : { type: 'recognizeBatch', jobId: first.id, modelId: first.modelId, items: batch.map(({ samples, text }) => ({ samples, text })) };
    slot.worker.postMessage(request, transfers);
  }

  /** Queues one recognition job (see JobOptions). */
  recognize(modelId: string, samples: Float32Array, options: JobOptions = {}): Promise<TimedResult> {
    const { signal, transfer = false, priority = 'normal', text, supersedeKey } = options;
    if (this.closed) {
      this.options.observer?.onShed?.({ modelId, reason: 'shutting_down', priority });
      return Promise.reject(new ApiError(503, 'The server is shutting down.', { code: 'shutting_down', retryAfterSec: 5 }));
    }
    return new Promise<TimedResult>((resolve, reject) => {
      const job: Job = { id: this.nextJobId++, modelId, priority, supersedeKey, enqueuedAtMs: performance.now(), samples, sampleCount: samples.length, transfer, signal, text, resolve, reject };
      this.jobs.admit(job);
      this.pump();
    });
  }

  private get queued(): number {
    return this.jobs.queue.size;
  }

  private overloaded(): ApiError {
    const waitSec = Math.ceil(((this.queued / Math.max(1, this.slots.length * this.maxBatchSize)) * this.meanJobMs * this.maxBatchSize) / 1000);
    return new ApiError(503, 'The server is at capacity; retry shortly.', { code: 'server_overloaded', retryAfterSec: Math.max(1, waitSec) });
  }

  /**
   * Loads one more model into every running worker (a model pulled while serving; workers started later load
   * it with the rest) and resolves with its info once all of them hold it.
   */
  async addModel(modelId: string, layout: ModelLayout): Promise<LoadedModelInfo> {
    await this.start();
    this.options.layouts[modelId] = layout;
    const infos = await Promise.all(this.slots.filter((slot) => slot.ready).map((slot) => this.modelAdds.request(slot.worker, modelId, layout)));
    if (infos.length === 0) throw new Error(`no inference worker is running to load model ${modelId}`);
    this.models[modelId] = infos[0];
    return infos[0];
  }

  /**
   * Opens a stream of an online model (see OnlineRecognizerStream), pinned for its whole life to the ready worker
   * holding the fewest streams. Throws a 503 while shutting down or before any worker is ready.
   */
  openStream(modelId: string): OnlineRecognizerStream {
    if (this.closed) throw new ApiError(503, 'The server is shutting down.', { code: 'shutting_down', retryAfterSec: 5 });
    return this.streams.open(modelId, this.slots.filter((s) => s.ready).map((s) => s.worker));
  }

  /** Streams of online models: open now, opened in all, samples sent in all (each sample once); per model, open and pending requests. */
  get streamStats(): StreamPinningStats {
    return this.streams.stats;
  }

  /**
   * Work in progress now, in performance.now() ms: when each running batch was dispatched, and when the
   * longest-waiting final or file piece was queued or online stream request sent (null: none waits). Capacity
   * admission adds it to the finished work it has seen, so a long batch or a growing backlog counts before it ends.
   */
  load(): { runningSinceMs: number[]; oldestNormalQueuedAtMs: number | null } {
    const waiting = [this.jobs.queue.oldestNormalEnqueuedAtMs(), this.streams.oldestPendingSentAtMs()].filter((ms) => ms !== null);
    return { runningSinceMs: this.slots.filter((s) => s.batch).map((s) => s.dispatchedAtMs), oldestNormalQueuedAtMs: waiting.length > 0 ? Math.min(...waiting) : null };
  }

  get stats(): { workers: number; busy: number; queued: number; queuedByModel: Record<string, number> } {
    // Busy: running a batch, or answering an online stream's request (those run outside the batch queue).
    const streaming = this.streams.busyWorkers();
    const busy = this.slots.filter((s) => s.batch || streaming.has(s.worker)).length;
    return { workers: this.slots.length, busy, queued: this.queued, queuedByModel: this.jobs.queue.sizeByModel() };
  }

  /**
   * Refuses queued jobs, lets running ones finish (up to `closeGraceMs`), then stops the workers. Stopping a
   * worker while it is inside onnxruntime's native run can abort the whole process, hence the wait.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.hold.cancel();
    this.jobs.drain();
    const deadline = Date.now() + (this.options.closeGraceMs ?? 10_000);
    while ((this.slots.some((s) => s.batch) || this.streams.inFlight > 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
