import { Worker } from 'node:worker_threads';
import { ApiError } from '../errors';
import { resolveWorkerScript } from '../util/worker-script';
import type { InferenceWorkerData, LoadedModelInfo, WorkerRequest, WorkerResponse } from './inference-protocol';
import type { ModelLayout } from './model-layout';
import type { ExecutionProvider } from './ort-session';
import type { JobPriority, RecognitionResult } from './recognizer';
import { GREEDY_DECODING, type DecodingConfig, type TextContext } from './decoding';

export interface InferencePoolOptions {
  layouts: Record<string, ModelLayout>;
  executionProvider: ExecutionProvider;
  /** How models decode; greedy search when not given. */
  decoding?: DecodingConfig;
  workers: number;
  threadsPerWorker: number;
  /** Jobs allowed to wait; beyond it `recognize` rejects with 503 + Retry-After. */
  queueDepth: number;
  onWarning?: (message: string) => void;
  onWorkerError?: (message: string) => void;
  /** Tests only: see InferenceWorkerData.crashOnModelId. */
  crashOnModelId?: string;
  /** How long `close` waits for running jobs before stopping the workers, in ms. Default 10 s. */
  closeGraceMs?: number;
}

export interface TimedResult {
  result: RecognitionResult;
  /** Time the worker spent on features + model + decoding, in ms. */
  inferenceMs: number;
}

interface Job {
  id: number;
  modelId: string;
  samples: Float32Array;
  /** Move the samples' buffer to the worker instead of copying it. */
  transfer: boolean;
  signal?: AbortSignal;
  /** The request's hotwords and preceding text. */
  text?: TextContext;
  /** Drops the job from its queue when the signal aborts; removed once the job leaves the queue. */
  onAbort?: () => void;
  resolve: (value: TimedResult) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  ready: boolean;
}

/** How a job is queued (see RecognizeOptions). */
export interface JobOptions {
  signal?: AbortSignal;
  transfer?: boolean;
  priority?: JobPriority;
  text?: TextContext;
}

/**
 * A fixed set of inference worker threads, each holding every model, fed from one bounded queue in two
 * priorities (FIFO within each): normal jobs (files, live finals) before low ones (live partial updates).
 * Bounded at the edge: a full queue sheds new jobs with 503 — except that a normal job displaces the newest
 * low one, so under load partials thin out before any final is lost; an aborted queued job is dropped; a
 * crashed worker fails only its own job and is replaced.
 */
export class InferencePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly lowQueue: Job[] = [];
  private nextJobId = 1;
  private closed = false;
  private readyPromise: Promise<Record<string, LoadedModelInfo>> | null = null;
  private readonly script = resolveWorkerScript(__dirname, 'inference-worker');
  /** Mean job time, for Retry-After estimates. */
  private meanJobMs = 500;
  models: Record<string, LoadedModelInfo> = {};

  constructor(private readonly options: InferencePoolOptions) {}

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
    const slot: Slot = { worker, job: null, ready: false };
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
          case 'fatal':
            reject(new Error(`inference worker failed to load models: ${message.message}`));
            break;
          case 'result':
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
        if (slot.job) slot.job.reject(new ApiError(500, 'The inference worker stopped while processing this request.', { code: 'inference_failed' }));
        slot.job = null;
        if (!this.closed && slot.ready) {
          this.options.onWorkerError?.(`inference worker exited with code ${code}; starting a new one`);
          this.spawn().catch((err) => this.options.onWorkerError?.((err as Error).message));
        }
      });
    });
  }

  private finish(slot: Slot, message: Extract<WorkerResponse, { type: 'result' | 'error' }>): void {
    const job = slot.job;
    slot.job = null;
    if (job && job.id === message.jobId) {
      if (message.type === 'result') {
        this.meanJobMs = 0.9 * this.meanJobMs + 0.1 * message.inferenceMs;
        job.resolve({ result: message.result, inferenceMs: message.inferenceMs });
      } else {
        job.reject(new ApiError(500, 'Inference failed.', { code: 'inference_failed', cause: new Error(message.message) }));
      }
    }
    this.pump();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job) continue;
      let job: Job | undefined;
      while ((job = this.queue.shift() ?? this.lowQueue.shift()) && job.signal?.aborted) {
        job.reject(new ApiError(408, 'The request was cancelled.', { code: 'cancelled' }));
      }
      if (!job) return;
      if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
      slot.job = job;
      const { samples } = job;
      const movable = job.transfer && samples.byteOffset === 0 && samples.byteLength === samples.buffer.byteLength;
      const request: WorkerRequest = { type: 'recognize', jobId: job.id, modelId: job.modelId, samples, text: job.text };
      slot.worker.postMessage(request, movable ? [samples.buffer as ArrayBuffer] : []);
    }
  }

  /** Queues one recognition job (see JobOptions). */
  recognize(modelId: string, samples: Float32Array, options: JobOptions = {}): Promise<TimedResult> {
    const { signal, transfer = false, priority = 'normal', text } = options;
    if (this.closed) return Promise.reject(new ApiError(503, 'The server is shutting down.', { code: 'shutting_down', retryAfterSec: 5 }));
    if (this.queued >= this.options.queueDepth) {
      const displaced = priority === 'normal' ? this.lowQueue.pop() : undefined;
      if (displaced) {
        if (displaced.onAbort) displaced.signal?.removeEventListener('abort', displaced.onAbort);
        displaced.reject(this.overloaded());
      }
      else return Promise.reject(this.overloaded());
    }
    return new Promise<TimedResult>((resolve, reject) => {
      const job: Job = { id: this.nextJobId++, modelId, samples, transfer, signal, text, resolve, reject };
      const queue = priority === 'low' ? this.lowQueue : this.queue;
      if (signal) {
        // One request may queue many jobs on one signal (a long file's pieces): each removes its listener.
        job.onAbort = () => {
          const index = queue.indexOf(job);
          if (index >= 0) {
            queue.splice(index, 1);
            reject(new ApiError(408, 'The request was cancelled.', { code: 'cancelled' }));
          }
        };
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      queue.push(job);
      this.pump();
    });
  }

  private get queued(): number {
    return this.queue.length + this.lowQueue.length;
  }

  private overloaded(): ApiError {
    const waitSec = Math.ceil(((this.queued / Math.max(1, this.slots.length)) * this.meanJobMs) / 1000);
    return new ApiError(503, 'The server is at capacity; retry shortly.', { code: 'server_overloaded', retryAfterSec: Math.max(1, waitSec) });
  }

  get stats(): { workers: number; busy: number; queued: number } {
    return { workers: this.slots.length, busy: this.slots.filter((s) => s.job).length, queued: this.queued };
  }

  /**
   * Refuses queued jobs, lets running ones finish (up to `closeGraceMs`), then stops the workers. Stopping a
   * worker while it is inside onnxruntime's native run can abort the whole process, hence the wait.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of [...this.queue.splice(0), ...this.lowQueue.splice(0)]) job.reject(new ApiError(503, 'The server is shutting down.', { code: 'shutting_down', retryAfterSec: 5 }));
    const deadline = Date.now() + (this.options.closeGraceMs ?? 10_000);
    while (this.slots.some((s) => s.job) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
