import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { MODELS_DIR, startTestServer, type TestServer } from './helpers/test-server';
import { pcm16Bytes, RecordingSocket, streamChunks } from './helpers/ws-client';

const MODEL = 'online-zipformer';
const ONLINE_DIR = path.join(MODELS_DIR, 'testdata', 'layouts', 'online-zipformer-transducer');

interface ModelLoad {
  stream_requests: number;
  online_streams: number;
  stream_requests_pending: number;
  rtf: number | null;
  recent: { inference_ms: { mean: number } };
}

/** The value of one Prometheus sample line (`name{labels} value`), or null. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

/**
 * Capacity admission and per-model metrics with an online model (the committed tiny streaming Zipformer), whose
 * streams run pinned to a worker outside the batch queue: their chunk decoding fills the busy time the capacity
 * monitor reads, the inference histograms, the RTF and /status per_model, and once it uses the capacity up
 * (a 10% utilization limit) a new online stream gets `error` + close 1013 while the admitted ones keep their finals.
 */
describe('online streams in capacity admission and per-model metrics', () => {
  let server: TestServer;
  let modelsDir: string;
  let wsUrl: string;
  const speech = loadSpeechFixture();
  // The fixture four times over (23 s): a stream's worth of chunks.
  const audio = pcm16Bytes(Float32Array.from({ length: 4 * speech.samples.length }, (_, i) => speech.samples[i % speech.samples.length]));

  beforeAll(async () => {
    modelsDir = mkdtempSync(path.join(os.tmpdir(), 'stt-online-capacity-'));
    symlinkSync(ONLINE_DIR, path.join(modelsDir, MODEL));
    // 10% of one worker over the 5 s window is 0.5 s of inference: the tiny model's RTF is about 0.008 here, so
    // six streams of 23 s each, sent at 6x real time (about 1.1 s of inference within 4 s), use it up.
    server = await startTestServer({ MODELS_DIR: modelsDir, CAPACITY_ADMISSION: 'true', ADMISSION_MAX_UTILIZATION: '0.1', ADMISSION_MAX_QUEUE_WAIT_MS: '60000' });
    wsUrl = `${server.url.replace(/^http/, 'ws')}/v1/audio/transcriptions?model=${MODEL}&turn_detection=manual`;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  const perModel = async () => ((await (await fetch(`${server.url}/status`)).json()) as { per_model: Record<string, ModelLoad> }).per_model[MODEL];
  const metricsText = async () => (await fetch(`${server.url}/metrics`)).text();

  test('online stream work counts as busy time and in the per-model figures; past the limit a new online stream is refused', async () => {
    const capacity = server.services.capacity!;
    expect(server.services.pool.models[MODEL].kind).toBe('online-transducer');
    expect(capacity.utilization()).toBe(0);
    expect(await perModel()).toMatchObject({ stream_requests: 0, online_streams: 0, rtf: null });

    // Six streams, all admitted while the workers are idle.
    const streams = Array.from({ length: 6 }, () => new RecordingSocket(wsUrl));
    await Promise.all(streams.map((s) => s.waitForType('ready')));
    expect((await perModel()).online_streams).toBe(0); // a stream's state opens with its first audio

    // Rounds of 23 s per stream until the window holds the limit's worth of work (one round here; a faster
    // machine may need more). Without stream work counted, utilization stays 0 and the rounds run out.
    let rounds = 0;
    while (rounds < 4 && capacity.check('stream') === null) {
      await Promise.all(streams.map((s) => streamChunks((c) => s.ws.send(c), audio, 32, 200, 6)));
      rounds++;
    }
    expect((await perModel()).online_streams).toBe(6);
    for (const s of streams) s.sendJson({ type: 'end' });
    await Promise.all(streams.map((s) => s.waitForType('end', 60_000)));
    // Every admitted stream was served to its end: its finals arrived, and no error.
    for (const s of streams) {
      expect(s.ofType('final').map((f) => f.text).join(' ').length).toBeGreaterThan(0);
      expect(s.ofType('error')).toEqual([]);
    }

    // The capacity monitor saw the chunks' decoding (no batch ran: only online streams were served).
    expect(server.services.pool.stats.queuedByModel[MODEL] ?? 0).toBe(0);
    expect(capacity.utilization()).toBeGreaterThanOrEqual(0.1);
    const measured = capacity.perModel()[MODEL];
    expect(measured.batches).toBeGreaterThan(6 * 10);
    expect(measured.realTimeFactor).toBeGreaterThan(0);
    expect(measured.realTimeFactor).toBeLessThan(1);

    // A new online stream past the knee: error + 1013.
    const refused = new RecordingSocket(wsUrl);
    expect(await refused.closed(5000)).toBe(1013);
    expect(refused.ofType('error')[0]).toMatchObject({ code: 'server_overloaded' });

    // Per-model observability: /status and the Prometheus series.
    const load = await perModel();
    expect(load.stream_requests).toBe(measured.batches);
    expect(load.online_streams).toBe(0);
    expect(load.stream_requests_pending).toBe(0);
    expect(load.rtf).toBeGreaterThan(0);
    expect(load.recent.inference_ms.mean).toBeGreaterThan(0);
    const text = await metricsText();
    expect(sample(text, `stt_inference_seconds_count{model="${MODEL}"}`)).toBe(load.stream_requests);
    expect(sample(text, `stt_inference_queue_wait_seconds_count{model="${MODEL}",priority="normal"}`)).toBe(load.stream_requests);
    expect(sample(text, `stt_inference_audio_seconds_total{model="${MODEL}"}`)).toBeCloseTo((rounds * 6 * audio.length) / 2 / 16000, 0);
    expect(sample(text, `stt_inference_rtf{model="${MODEL}"}`)).toBeGreaterThan(0);
    await Promise.all(streams.map((s) => s.closed()));
  }, 90_000);
});
