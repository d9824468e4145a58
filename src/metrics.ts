import client from 'prom-client';
import { InferenceMetrics } from './observability/inference-metrics';
import { RefusalMetrics } from './observability/refusal-metrics';
import { StreamMetrics } from './observability/stream-metrics';

/** Prometheus metrics of one service instance (its own registry, so tests can build several apps). */
export class Metrics {
  readonly registry = new client.Registry();
  readonly httpRequests = new client.Counter({ name: 'stt_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'] as const, registers: [this.registry] });
  readonly transcriptionSeconds = new client.Histogram({
    name: 'stt_transcription_duration_seconds',
    help: 'Wall time of file transcription requests (decode + inference)',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly audioSeconds = new client.Counter({ name: 'stt_audio_seconds_total', help: 'Seconds of audio transcribed', labelNames: ['model', 'mode'] as const, registers: [this.registry] });
  readonly inFlightRequests = new client.Gauge({ name: 'stt_http_in_flight_requests', help: 'Transcription requests in flight', registers: [this.registry] });
  readonly inferenceQueue = new client.Gauge({ name: 'stt_inference_queue_depth', help: 'Inference jobs waiting for a worker', registers: [this.registry] });
  readonly activeStreams = new client.Gauge({ name: 'stt_active_streams', help: 'Open WebSocket transcription streams', labelNames: ['protocol'] as const, registers: [this.registry] });
  readonly streamLagMs = new client.Histogram({
    name: 'stt_stream_lag_ms',
    help: 'Audio received but not yet processed per stream update, in ms',
    buckets: [10, 50, 100, 250, 500, 1000, 2500, 5000],
    registers: [this.registry],
  });
  /** Per model: queue wait, batch size, inference time, RTF, shed jobs (the inference pool's observer). */
  readonly inference = new InferenceMetrics(this.registry);
  /** Per model: live sessions, first-partial and final latency. */
  readonly streams = new StreamMetrics(this.registry);
  /** Requests, streams and connections refused, by transport and reason. */
  readonly refusals = new RefusalMetrics(this.registry);

  constructor() {
    client.collectDefaultMetrics({ register: this.registry });
  }
}
