import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resample } from '../../src/audio/resample';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { wavBytes } from './helpers/audio';
import { ensureBuilt } from './helpers/cli';
import { attribute, jsonSpans, startOtlpReceiver, waitFor } from './helpers/otlp-receiver';
import { MAIN, spawnServerProcess, type ServerProcess } from './helpers/server-process';
import { MODELS_DIR } from './helpers/test-server';
import { pcm16Bytes, RecordingSocket, streamChunks } from './helpers/ws-client';

/**
 * The real server process (`node dist/main.js`): the OTLP exporter loads Node's http module with a dynamic
 * `import()`, which jest's module sandbox cannot run, so the traced server runs as in production.
 */
const spawnServer = (env: Record<string, string>) => spawnServerProcess([MAIN], env);

/**
 * OpenTelemetry traces end to end: the real server exports over OTLP/HTTP to a local receiver; one file
 * transcription gives one trace whose spans carry the request id; with tracing off nothing is sent.
 */
describe('OpenTelemetry traces', () => {
  const speech = loadSpeechFixture();
  const wav = wavBytes(speech.samples, speech.sampleRateHz);

  beforeAll(() => ensureBuilt(), 180_000);

  const transcribe = (server: ServerProcess, headers: Record<string, string>) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'speech.wav');
    form.append('model', 'whisper-1');
    return fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', body: form, headers });
  };

  test('OTLP/HTTP JSON: one trace with upload, decode, queue wait, inference, features and decoding spans, each with the request id', async () => {
    const receiver = await startOtlpReceiver();
    const server = await spawnServer({ OTEL_TRACES_ENABLED: 'true', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '50' });
    try {
      const requestId = 'trace-test-json-1';
      // The caller's W3C trace context is continued.
      const callerTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const res = await transcribe(server, { 'x-request-id': requestId, traceparent: `00-${callerTraceId}-00f067aa0ba902b7-01` });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { text: string }).text.length).toBeGreaterThan(0);

      const mine = () => jsonSpans(receiver.exports).filter((s) => attribute(s, 'stt.request_id') === requestId);
      expect(await waitFor(() => mine().some((s) => s.name === 'POST /v1/audio/transcriptions'), 10_000)).toBe(true);
      const spans = mine();
      expect(receiver.exports.every((e) => e.path === '/v1/traces' && e.contentType.startsWith('application/json'))).toBe(true);
      const names = new Set(spans.map((s) => s.name));
      for (const name of ['POST /v1/audio/transcriptions', 'stt.upload', 'stt.audio_decode', 'stt.transcribe', 'stt.recognize', 'stt.queue_wait', 'stt.inference', 'stt.features', 'stt.decoding']) {
        expect(names).toContain(name);
      }
      // One trace (the caller's), and each span under the one it belongs to.
      expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([callerTraceId]));
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const parentName = (name: string) => new Set(spans.filter((s) => s.name === name).map((s) => byId.get(s.parentSpanId ?? '')?.name));
      const root = spans.find((s) => s.name === 'POST /v1/audio/transcriptions')!;
      expect(root.parentSpanId).toBe('00f067aa0ba902b7');
      expect(attribute(root, 'http.response.status_code')).toBe('200');
      expect(parentName('stt.upload')).toEqual(new Set(['POST /v1/audio/transcriptions']));
      expect(parentName('stt.audio_decode')).toEqual(new Set(['POST /v1/audio/transcriptions']));
      expect(parentName('stt.transcribe')).toEqual(new Set(['POST /v1/audio/transcriptions']));
      expect(parentName('stt.recognize')).toEqual(new Set(['stt.transcribe']));
      expect(parentName('stt.queue_wait')).toEqual(new Set(['stt.recognize']));
      expect(parentName('stt.inference')).toEqual(new Set(['stt.recognize']));
      expect(parentName('stt.features')).toEqual(new Set(['stt.inference']));
      expect(parentName('stt.decoding')).toEqual(new Set(['stt.inference']));
      // Two utterances in the clip: a final each.
      expect(spans.filter((s) => s.name === 'stt.recognize').length).toBeGreaterThanOrEqual(2);
      for (const s of spans) expect(BigInt(s.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(s.startTimeUnixNano));
      // Children lie within the request (clocks: the same monotonic origin).
      for (const s of spans) {
        expect(BigInt(s.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(root.startTimeUnixNano));
        expect(BigInt(s.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(root.endTimeUnixNano));
      }
    } finally {
      await server.stop();
      await receiver.close();
    }
  });

  test('OTLP/HTTP protobuf (the default encoding) reaches the receiver', async () => {
    const receiver = await startOtlpReceiver();
    const server = await spawnServer({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' });
    try {
      const requestId = 'trace-test-proto-1';
      expect((await transcribe(server, { 'x-request-id': requestId })).status).toBe(200);
      // Protobuf strings are their UTF-8 bytes: the request id and the span names are in the body.
      const body = () => Buffer.concat(receiver.exports.map((e) => e.body)).toString('latin1');
      expect(await waitFor(() => body().includes(requestId) && body().includes('POST /v1/audio/transcriptions'), 10_000)).toBe(true);
      expect(receiver.exports.every((e) => e.contentType === 'application/x-protobuf')).toBe(true);
      for (const name of ['stt.upload', 'stt.audio_decode', 'stt.queue_wait', 'stt.inference', 'stt.decoding']) expect(body()).toContain(name);
    } finally {
      await server.stop();
      await receiver.close();
    }
  });

  test('live streams: a captions stream on an online model and a Realtime stream on a re-decoding one each give a trace of their recognitions, with the session id', async () => {
    // Two models: the committed tiny streaming Zipformer (online: OnlineStreamingTranscriber) and the embedded CTC
    // model (windows re-decoded: StreamingTranscriber).
    const modelsDir = mkdtempSync(path.join(os.tmpdir(), 'stt-trace-streams-'));
    symlinkSync(path.join(MODELS_DIR, 'testdata', 'layouts', 'online-zipformer-transducer'), path.join(modelsDir, 'online-zipformer'));
    symlinkSync(path.join(MODELS_DIR, 'nemo-ctc-en-conv-small'), path.join(modelsDir, 'nemo-ctc-en-conv-small'));
    const receiver = await startOtlpReceiver();
    const server = await spawnServer({
      MODELS_DIR: modelsDir,
      DEFAULT_MODEL: 'nemo-ctc-en-conv-small',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    const wsBase = server.url.replace(/^http/, 'ws');
    try {
      const callerTraceId = '0af7651916cd43dd8448eb211c80319c';
      const captions = new RecordingSocket(`${wsBase}/v1/audio/transcriptions?model=online-zipformer`, { headers: { traceparent: `00-${callerTraceId}-b7ad6b7169203331-01` } });
      const captionsId = (await captions.waitForType('ready')).session_id as string;
      await streamChunks((c) => captions.ws.send(c), pcm16Bytes(speech.samples), 32, 100, 4);
      captions.sendJson({ type: 'end' });
      await captions.waitForType('end', 30_000);
      expect(await captions.closed()).toBe(1000);

      const realtime = new RecordingSocket(`${wsBase}/v1/realtime?model=nemo-ctc-en-conv-small`);
      const realtimeId = ((await realtime.waitForType('session.created')).session as { id: string }).id;
      await streamChunks((c) => realtime.sendJson({ type: 'input_audio_buffer.append', audio: c.toString('base64') }), pcm16Bytes(resample(speech.samples, 16000, 24000)), 48, 100, 4);
      await realtime.waitForType('conversation.item.input_audio_transcription.completed', 30_000);
      realtime.ws.close();
      await realtime.closed();

      const of = (id: string) => jsonSpans(receiver.exports).filter((s) => attribute(s, 'stt.request_id') === id);
      const rooted = (id: string, root: string) => of(id).some((s) => s.name === root) && of(id).some((s) => s.name === 'stt.inference');
      expect(await waitFor(() => rooted(captionsId, 'WS /v1/audio/transcriptions') && rooted(realtimeId, 'WS /v1/realtime'), 10_000)).toBe(true);

      // The online stream: its decoding requests (accepts that decoded a chunk, the finish) under the stream's root.
      const online = of(captionsId);
      const onlineRoot = online.find((s) => s.name === 'WS /v1/audio/transcriptions')!;
      expect(onlineRoot.traceId).toBe(callerTraceId);
      expect(onlineRoot.parentSpanId).toBe('b7ad6b7169203331');
      expect(attribute(onlineRoot, 'stt.session_id')).toBe(captionsId);
      expect(attribute(onlineRoot, 'websocket.close_code')).toBe('1000');
      const onlineCalls = online.filter((s) => s.name === 'stt.recognize');
      expect(onlineCalls.every((s) => s.parentSpanId === onlineRoot.spanId && attribute(s, 'stt.model') === 'online-zipformer')).toBe(true);
      const ops = onlineCalls.map((s) => attribute(s, 'stt.stream_op'));
      expect(ops.filter((op) => op === 'accept').length).toBeGreaterThan(5);
      expect(ops).toContain('finish');
      const callIds = new Set(onlineCalls.map((s) => s.spanId));
      for (const name of ['stt.queue_wait', 'stt.inference']) {
        const children = online.filter((s) => s.name === name);
        expect(children.length).toBe(onlineCalls.length);
        expect(children.every((s) => callIds.has(s.parentSpanId ?? ''))).toBe(true);
      }

      // The Realtime stream on the re-decoding model: partials (low) and the final (normal) under its root.
      const redecoded = of(realtimeId);
      const redecodedRoot = redecoded.find((s) => s.name === 'WS /v1/realtime')!;
      expect(redecodedRoot.traceId).not.toBe(callerTraceId);
      const calls = redecoded.filter((s) => s.name === 'stt.recognize');
      expect(calls.every((s) => s.parentSpanId === redecodedRoot.spanId && attribute(s, 'stt.model') === 'nemo-ctc-en-conv-small')).toBe(true);
      expect(new Set(calls.map((s) => attribute(s, 'stt.priority')))).toEqual(new Set(['low', 'normal']));
      expect(redecoded.some((s) => s.name === 'stt.decoding')).toBe(true);
      for (const s of [...online, ...redecoded]) expect(BigInt(s.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(s.startTimeUnixNano));
    } finally {
      await server.stop();
      await receiver.close();
      rmSync(modelsDir, { recursive: true, force: true });
    }
  }, 60_000);

  test('with tracing off (OTEL_TRACES_ENABLED=false) nothing is sent, even with an endpoint set', async () => {
    const receiver = await startOtlpReceiver();
    const server = await spawnServer({ OTEL_TRACES_ENABLED: 'false', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' });
    try {
      expect((await transcribe(server, { 'x-request-id': 'trace-test-off' })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await server.stop(); // a tracer would export its last spans here
    }
    expect(server.logs.some((l) => l.msg === 'exporting traces')).toBe(false);
    expect(receiver.exports).toHaveLength(0);
    await receiver.close();
  });
});
