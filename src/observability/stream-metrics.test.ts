import client from 'prom-client';
import { StreamMetrics } from './stream-metrics';

describe('StreamMetrics', () => {
  test('counts open sessions per model and mode; closing twice closes once', async () => {
    const registry = new client.Registry();
    const streams = new StreamMetrics(registry);
    const a = streams.opened('m', 'stream');
    const b = streams.opened('m', 'stream');
    streams.opened('m', 'file');
    a();
    a();
    expect(streams.openSessions('m', 'stream')).toBe(1);
    expect(streams.openSessions('m', 'file')).toBe(1);
    expect(streams.openSessions('other', 'stream')).toBe(0);
    expect(await registry.metrics()).toContain('stt_live_sessions{model="m",mode="stream"} 1');
    b();
    expect(streams.openSessions('m', 'stream')).toBe(0);
  });

  test("a stream's latencies land in the model's histograms", async () => {
    const registry = new client.Registry();
    const streams = new StreamMetrics(registry);
    const latency = streams.latencyFor('m');
    latency.audioAccepted(1000);
    latency.onEvent({ type: 'speech_started', utteranceIndex: 0, audioStartMs: 100 });
    latency.onEvent({ type: 'partial', utteranceIndex: 0, stableText: '', stableDelta: '', unstableText: 'a', text: 'a', words: [] });
    latency.onEvent({ type: 'final', utteranceIndex: 0, reason: 'silence', text: 'a', stableDelta: '', words: [], startSec: 0.1, endSec: 0.9 });
    const text = await registry.metrics();
    expect(text).toContain('stt_stream_first_partial_latency_seconds_count{model="m"} 1');
    expect(text).toContain('stt_stream_final_latency_seconds_count{model="m"} 1');
  });
});
