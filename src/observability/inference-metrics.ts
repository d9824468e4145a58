import client from 'prom-client';
import type { InferenceBatchEvent, InferenceObserver, InferenceShedEvent, InferenceShedReason, InferenceStreamWorkEvent } from '../model/inference-observer';
import { DecayingRatio } from './decaying-ratio';
import { RecentSamples } from './recent-samples';

/** Batches kept per model for `/status`'s recent statistics (and four times as many jobs' queue waits). */
export const RECENT_BATCHES = 256;
/** Half-life of the real-time factor, in ms of wall time. */
export const RTF_HALF_LIFE_MS = 30_000;

/** One model's recent work, as `/status` shows it (times in ms, sizes in jobs). */
export interface ModelInferenceStatus {
  batches: number;
  jobs: number;
  /** Requests of online streams run (each a model run outside the queue, on the stream's pinned worker). */
  stream_requests: number;
  /**
   * Over the last RECENT_BATCHES batches (the last 4 x RECENT_BATCHES jobs for queue waits); queue wait and
   * inference time count online stream requests too (their runs).
   */
  recent: {
    batches: number;
    batch_size: { mean: number; p95: number };
    queue_wait_ms: { mean: number; p95: number };
    inference_ms: { mean: number; p95: number };
  };
  /** Inference seconds per audio second, decayed over RTF_HALF_LIFE_MS (null before the first batch). */
  rtf: number | null;
  /** Jobs shed since start, by reason. */
  shed: Partial<Record<InferenceShedReason, number>>;
}

interface ModelState {
  batches: number;
  jobs: number;
  streamRequests: number;
  batchSize: RecentSamples;
  queueWaitMs: RecentSamples;
  inferenceMs: RecentSamples;
  rtf: DecayingRatio;
  shed: Partial<Record<InferenceShedReason, number>>;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The inference pool's observer: per-model Prometheus histograms (queue wait, batch size, inference time),
 * the real-time factor gauge and shed counters, plus the recent statistics `/status` shows. Cheap and
 * synchronous, as the pool requires: a few array writes and counter increments per batch.
 */
export class InferenceMetrics implements InferenceObserver {
  private readonly models = new Map<string, ModelState>();
  private readonly queueWaitSeconds: client.Histogram<'model' | 'priority'>;
  private readonly batchSize: client.Histogram<'model'>;
  private readonly inferenceSeconds: client.Histogram<'model'>;
  private readonly audioSeconds: client.Counter<'model'>;
  private readonly rtf: client.Gauge<'model'>;
  private readonly shedTotal: client.Counter<'model' | 'reason' | 'priority'>;

  constructor(registry: client.Registry, private readonly nowMs: () => number = () => performance.now()) {
    const registers = [registry];
    this.queueWaitSeconds = new client.Histogram({
      name: 'stt_inference_queue_wait_seconds',
      help: 'Time a job waited in the inference queue before its batch was dispatched (an online stream request: before its worker started it), by model and priority (normal: files, finals and online stream requests; low: partials)',
      labelNames: ['model', 'priority'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.batchSize = new client.Histogram({
      name: 'stt_inference_batch_size',
      help: 'Jobs run together in one model run, by model',
      labelNames: ['model'] as const,
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers,
    });
    this.inferenceSeconds = new client.Histogram({
      name: 'stt_inference_seconds',
      help: "A worker's time for one batch or online stream request (features + model + decoding), by model",
      labelNames: ['model'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.audioSeconds = new client.Counter({
      name: 'stt_inference_audio_seconds_total',
      help: 'Seconds of audio run through the models (partials re-run audio, so this exceeds the audio transcribed), by model',
      labelNames: ['model'] as const,
      registers,
    });
    this.rtf = new client.Gauge({
      name: 'stt_inference_rtf',
      help: `Real-time factor by model: inference seconds per audio second, decayed with a ${RTF_HALF_LIFE_MS / 1000} s half-life (below 1: faster than real time, per worker)`,
      labelNames: ['model'] as const,
      registers,
    });
    this.shedTotal = new client.Counter({
      name: 'stt_inference_shed_total',
      help: 'Inference jobs that did not run, by model, reason (queue_full, displaced, superseded, cancelled, shutting_down) and priority',
      labelNames: ['model', 'reason', 'priority'] as const,
      registers,
    });
  }

  onBatch(event: InferenceBatchEvent): void {
    const { modelId: model, batchSize, queueWaitMs, inferenceMs, audioSec, priorities } = event;
    const state = this.state(model);
    state.batches++;
    state.jobs += batchSize;
    state.batchSize.add(batchSize);
    state.inferenceMs.add(inferenceMs);
    for (let i = 0; i < queueWaitMs.length; i++) {
      state.queueWaitMs.add(queueWaitMs[i]);
      this.queueWaitSeconds.observe({ model, priority: priorities[i] ?? 'normal' }, queueWaitMs[i] / 1000);
    }
    this.batchSize.observe({ model }, batchSize);
    this.inferenceSeconds.observe({ model }, inferenceMs / 1000);
    this.addAudio(state, model, inferenceMs, audioSec);
  }

  /** Audio run through the model and the time it took: the audio counter and the real-time factor. */
  private addAudio(state: ModelState, model: string, inferenceMs: number, audioSec: number): void {
    if (audioSec > 0) this.audioSeconds.inc({ model }, audioSec);
    // An online stream's endpoint carries no audio but its time is part of the stream's cost.
    if (audioSec > 0 || state.rtf.value !== null) {
      state.rtf.add(inferenceMs / 1000, audioSec);
      this.rtf.set({ model }, state.rtf.value ?? 0);
    }
  }

  /** An online stream's request: a model run of its own (no batch), its wait a normal job's. */
  onStreamWork(event: InferenceStreamWorkEvent): void {
    const { modelId: model, queueWaitMs, inferenceMs, audioSec } = event;
    const state = this.state(model);
    state.streamRequests++;
    state.inferenceMs.add(inferenceMs);
    state.queueWaitMs.add(queueWaitMs);
    this.queueWaitSeconds.observe({ model, priority: 'normal' }, queueWaitMs / 1000);
    this.inferenceSeconds.observe({ model }, inferenceMs / 1000);
    this.addAudio(state, model, inferenceMs, audioSec);
  }

  onShed(event: InferenceShedEvent): void {
    const state = this.state(event.modelId);
    state.shed[event.reason] = (state.shed[event.reason] ?? 0) + 1;
    this.shedTotal.inc({ model: event.modelId, reason: event.reason, priority: event.priority });
  }

  /** One model's recent work (zeros before its first batch). */
  status(modelId: string): ModelInferenceStatus {
    const s = this.state(modelId);
    const stat = (r: RecentSamples, digits: number) => ({ mean: round(r.mean(), digits), p95: round(r.quantile(0.95), digits) });
    const rtf = s.rtf.value;
    return {
      batches: s.batches,
      jobs: s.jobs,
      stream_requests: s.streamRequests,
      recent: { batches: s.batchSize.size, batch_size: stat(s.batchSize, 2), queue_wait_ms: stat(s.queueWaitMs, 1), inference_ms: stat(s.inferenceMs, 1) },
      rtf: rtf === null ? null : round(rtf, 4),
      shed: { ...s.shed },
    };
  }

  private state(modelId: string): ModelState {
    let s = this.models.get(modelId);
    if (!s) {
      s = {
        batches: 0,
        jobs: 0,
        streamRequests: 0,
        batchSize: new RecentSamples(RECENT_BATCHES),
        queueWaitMs: new RecentSamples(4 * RECENT_BATCHES),
        inferenceMs: new RecentSamples(RECENT_BATCHES),
        rtf: new DecayingRatio(RTF_HALF_LIFE_MS, this.nowMs),
        shed: {},
      };
      this.models.set(modelId, s);
    }
    return s;
  }
}
