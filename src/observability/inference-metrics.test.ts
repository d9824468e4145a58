import client from 'prom-client';
import { InferenceMetrics } from './inference-metrics';

describe('InferenceMetrics', () => {
  const setup = () => {
    let now = 0;
    const registry = new client.Registry();
    const metrics = new InferenceMetrics(registry, () => now);
    return { registry, metrics, advance: (ms: number) => (now += ms) };
  };

  test('batches feed the histograms, the RTF gauge and the recent statistics', async () => {
    const { registry, metrics } = setup();
    metrics.onBatch({ modelId: 'm', batchSize: 1, queueWaitMs: [10], inferenceMs: 100, audioSec: 1, priorities: ['normal'] });
    metrics.onBatch({ modelId: 'm', batchSize: 3, queueWaitMs: [0, 20, 30], inferenceMs: 300, audioSec: 9, priorities: ['normal', 'low', 'low'] });
    const status = metrics.status('m');
    expect(status.batches).toBe(2);
    expect(status.jobs).toBe(4);
    expect(status.recent.batch_size).toEqual({ mean: 2, p95: 3 });
    expect(status.recent.queue_wait_ms).toEqual({ mean: 15, p95: 30 });
    expect(status.recent.inference_ms).toEqual({ mean: 200, p95: 300 });
    expect(status.rtf).toBeCloseTo(0.4 / 10, 6);

    const text = await registry.metrics();
    expect(text).toContain('stt_inference_batch_size_count{model="m"} 2');
    expect(text).toContain('stt_inference_batch_size_sum{model="m"} 4');
    expect(text).toContain('stt_inference_queue_wait_seconds_count{model="m",priority="low"} 2');
    expect(text).toContain('stt_inference_queue_wait_seconds_count{model="m",priority="normal"} 2');
    expect(text).toContain('stt_inference_seconds_sum{model="m"} 0.4');
    expect(text).toContain('stt_inference_audio_seconds_total{model="m"} 10');
    expect(text).toContain('stt_inference_rtf{model="m"} 0.04');
  });

  test("online stream requests feed the inference and queue-wait histograms, the RTF and /status (no batch size: they run alone)", async () => {
    const { registry, metrics } = setup();
    metrics.onStreamWork({ modelId: 'online', op: 'accept', queueWaitMs: 4, inferenceMs: 30, audioSec: 0.5 });
    metrics.onStreamWork({ modelId: 'online', op: 'accept', queueWaitMs: 6, inferenceMs: 10, audioSec: 0.5 });
    metrics.onStreamWork({ modelId: 'online', op: 'endpoint', queueWaitMs: 2, inferenceMs: 2, audioSec: 0 });
    const status = metrics.status('online');
    expect(status).toMatchObject({ batches: 0, jobs: 0, stream_requests: 3 });
    expect(status.recent.batch_size).toEqual({ mean: 0, p95: 0 });
    expect(status.recent.inference_ms).toEqual({ mean: 14, p95: 30 });
    expect(status.recent.queue_wait_ms).toEqual({ mean: 4, p95: 6 });
    expect(status.rtf).toBeCloseTo(0.042, 6); // the endpoint's time counts, its (absent) audio not

    const text = await registry.metrics();
    expect(text).toContain('stt_inference_seconds_count{model="online"} 3');
    expect(text).toContain('stt_inference_seconds_sum{model="online"} 0.042');
    expect(text).toContain('stt_inference_queue_wait_seconds_count{model="online",priority="normal"} 3');
    expect(text).toContain('stt_inference_audio_seconds_total{model="online"} 1');
    expect(text).toContain('stt_inference_rtf{model="online"} 0.042');
    expect(text).not.toContain('stt_inference_batch_size_count{model="online"}');
  });

  test('sheds are counted by model, reason and priority', async () => {
    const { registry, metrics } = setup();
    metrics.onShed({ modelId: 'm', reason: 'superseded', priority: 'low' });
    metrics.onShed({ modelId: 'm', reason: 'superseded', priority: 'low' });
    metrics.onShed({ modelId: 'm', reason: 'queue_full', priority: 'normal' });
    expect(metrics.status('m').shed).toEqual({ superseded: 2, queue_full: 1 });
    expect(metrics.status('other').shed).toEqual({});
    const text = await registry.metrics();
    expect(text).toContain('stt_inference_shed_total{model="m",reason="superseded",priority="low"} 2');
    expect(text).toContain('stt_inference_shed_total{model="m",reason="queue_full",priority="normal"} 1');
  });

  test('a model with no batches yet reports zeros and no RTF', () => {
    const { metrics } = setup();
    expect(metrics.status('idle')).toEqual({
      batches: 0,
      jobs: 0,
      stream_requests: 0,
      recent: { batches: 0, batch_size: { mean: 0, p95: 0 }, queue_wait_ms: { mean: 0, p95: 0 }, inference_ms: { mean: 0, p95: 0 } },
      rtf: null,
      shed: {},
    });
  });

  test('the RTF follows recent load: old batches fade with the half-life', () => {
    const { metrics, advance } = setup();
    metrics.onBatch({ modelId: 'm', batchSize: 1, queueWaitMs: [0], inferenceMs: 1000, audioSec: 1, priorities: ['normal'] });
    expect(metrics.status('m').rtf).toBe(1);
    advance(10 * 30_000);
    metrics.onBatch({ modelId: 'm', batchSize: 1, queueWaitMs: [0], inferenceMs: 100, audioSec: 1, priorities: ['normal'] });
    expect(metrics.status('m').rtf).toBeCloseTo(0.1, 2);
  });
});
