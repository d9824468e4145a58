import net from 'node:net';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { wavBytes } from './helpers/audio';
import { startTestServer, type TestServer } from './helpers/test-server';
import { pcm16Bytes, RecordingSocket, streamChunks } from './helpers/ws-client';

interface ModelLoad {
  queued: number | null;
  batches: number;
  jobs: number;
  recent: { batches: number; batch_size: { mean: number; p95: number }; queue_wait_ms: { mean: number; p95: number }; inference_ms: { mean: number; p95: number } };
  rtf: number | null;
  shed: Record<string, number>;
  active_streams: number;
  active_files: number;
}

/** One sample's value from a Prometheus exposition (`name{labels} value`); undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/** The per-model metrics and /status through the real server: a file, a live stream, a refused stream. */
describe('per-model metrics and /status', () => {
  let server: TestServer;
  let model: string;
  const speech = loadSpeechFixture();

  beforeAll(async () => {
    server = await startTestServer({ MAX_STREAMS_PER_IP: '1', MAX_CONNECTIONS_PER_IP: '8' });
    model = server.services.registry.defaultId;
  });
  afterAll(() => server.close());

  const metrics = async () => (await fetch(`${server.url}/metrics`)).text();
  const status = async () => ((await (await fetch(`${server.url}/status`)).json()) as { per_model: Record<string, ModelLoad> }).per_model;

  test('before any work: every model listed with zeros', async () => {
    const perModel = await status();
    expect(Object.keys(perModel).sort()).toEqual(server.services.registry.entries.map((e) => e.id).sort());
    expect(perModel[model]).toMatchObject({ batches: 0, jobs: 0, rtf: null, shed: {}, active_streams: 0, active_files: 0, queued: 0 });
  });

  test('a file transcription fills the inference histograms, the RTF gauge and the recent batch statistics', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(wavBytes(speech.samples, speech.sampleRateHz))], { type: 'audio/wav' }), 'speech.wav');
    expect((await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', body: form })).status).toBe(200);
    const text = await metrics();
    const batches = sample(text, 'stt_inference_batch_size_count', { model })!;
    expect(batches).toBeGreaterThanOrEqual(2); // two utterances: a final each
    expect(sample(text, 'stt_inference_queue_wait_seconds_count', { model, priority: 'normal' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'stt_inference_seconds_sum', { model })).toBeGreaterThan(0);
    const rtf = sample(text, 'stt_inference_rtf', { model })!;
    expect(rtf).toBeGreaterThan(0);
    expect(rtf).toBeLessThan(1); // the embedded models are far faster than real time
    const load = (await status())[model];
    expect(load.batches).toBe(batches);
    expect(load.recent.batches).toBe(batches);
    expect(load.recent.batch_size.mean).toBeGreaterThanOrEqual(1);
    expect(load.recent.inference_ms.mean).toBeGreaterThan(0);
    expect(load.recent.inference_ms.p95).toBeGreaterThanOrEqual(load.recent.inference_ms.mean * 0.5);
    expect(load.rtf).toBeCloseTo(rtf, 3);
    expect(load.active_files).toBe(0);
  });

  test('a live stream: counted while open, its first-partial and final latencies observed; a second stream from the same address refused and counted', async () => {
    const url = server.url.replace(/^http/, 'ws') + '/v1/audio/transcriptions';
    const s = new RecordingSocket(url);
    await s.waitForType('ready');
    // MAX_STREAMS_PER_IP=1: refused with an error and close 1013.
    const refused = new RecordingSocket(url);
    expect(await refused.closed()).toBe(1013);
    // The live session starts with the first audio; twice real time, so partials come while the speech arrives.
    const pcm = pcm16Bytes(speech.samples);
    s.ws.send(pcm.subarray(0, 1280));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await status())[model].active_streams).toBe(1);
    await streamChunks((c) => s.ws.send(c), pcm.subarray(1280), 32, 40, 2);
    s.sendJson({ type: 'end' });
    await s.waitForType('end', 60_000);
    expect(s.ofType('partial').length).toBeGreaterThan(0);
    await s.closed();
    const text = await metrics();
    expect(sample(text, 'stt_stream_first_partial_latency_seconds_count', { model })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'stt_stream_final_latency_seconds_count', { model })).toBeGreaterThanOrEqual(2);
    // The final of an utterance ended by silence follows its audio within seconds, not the stream's length.
    const finalSum = sample(text, 'stt_stream_final_latency_seconds_sum', { model })!;
    const finalCount = sample(text, 'stt_stream_final_latency_seconds_count', { model })!;
    expect(finalSum / finalCount).toBeLessThan(3);
    expect(sample(text, 'stt_refusals_total', { transport: 'ws', reason: 'too_many_streams_per_client' })).toBe(1);
    expect(sample(text, 'stt_live_sessions', { model, mode: 'stream' })).toBe(0);
    expect((await status())[model].active_streams).toBe(0);
  });

  test('TCP connections beyond MAX_CONNECTIONS_PER_IP are dropped and counted', async () => {
    const sockets: net.Socket[] = [];
    let dropped = 0;
    for (let i = 0; i < 10; i++) {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('close', () => dropped++);
      sockets.push(socket);
      await new Promise((resolve) => socket.once('connect', resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const droppedByServer = dropped;
    expect(droppedByServer).toBeGreaterThanOrEqual(2);
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sample(await metrics(), 'stt_refusals_total', { transport: 'connection', reason: 'connections_per_ip' })).toBe(droppedByServer);
  });
});
