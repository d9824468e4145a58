import client from 'prom-client';
import { StreamLatency } from './stream-latency';

/**
 * Live sessions per model and the latencies their clients feel (see StreamLatency): first partial after the
 * speech starts, final after the utterance's audio ends. Files run through live sessions too (mode `file`),
 * but their audio arrives faster than real time, so only streams are timed.
 */
export class StreamMetrics {
  private readonly firstPartialSeconds: client.Histogram<'model'>;
  private readonly finalSeconds: client.Histogram<'model'>;
  private readonly sessions: client.Gauge<'model' | 'mode'>;
  private readonly open = new Map<string, number>();

  constructor(registry: client.Registry) {
    const registers = [registry];
    const buckets = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];
    this.firstPartialSeconds = new client.Histogram({
      name: 'stt_stream_first_partial_latency_seconds',
      help: "Live streams: from the arrival of an utterance's first speech sample to its first partial, by model",
      labelNames: ['model'] as const,
      buckets,
      registers,
    });
    this.finalSeconds = new client.Histogram({
      name: 'stt_stream_final_latency_seconds',
      help: "Live streams: from the arrival of an utterance's last sample to its final (includes the VAD's end-of-speech silence), by model",
      labelNames: ['model'] as const,
      buckets,
      registers,
    });
    this.sessions = new client.Gauge({
      name: 'stt_live_sessions',
      help: 'Live sessions open, by model and mode (stream: WebSocket captions or Realtime; file: an upload being transcribed)',
      labelNames: ['model', 'mode'] as const,
      registers,
    });
  }

  /** A session opened: returns what closes it (once; later calls do nothing). */
  opened(model: string, mode: 'stream' | 'file'): () => void {
    this.sessions.inc({ model, mode });
    const key = `${mode}\u0000${model}`;
    this.open.set(key, (this.open.get(key) ?? 0) + 1);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.sessions.dec({ model, mode });
      this.open.set(key, (this.open.get(key) ?? 1) - 1);
    };
  }

  /** Live sessions of a model open now, in one mode. */
  openSessions(model: string, mode: 'stream' | 'file'): number {
    return this.open.get(`${mode}\u0000${model}`) ?? 0;
  }

  /** A latency tracker for one live stream of `model`. */
  latencyFor(model: string): StreamLatency {
    return new StreamLatency({
      firstPartial: (ms) => this.firstPartialSeconds.observe({ model }, ms / 1000),
      final: (ms) => this.finalSeconds.observe({ model }, ms / 1000),
    });
  }
}
