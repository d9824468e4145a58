import WebSocket from 'ws';
import { CaptionsClient, StreamClientError, type CaptionsFinalMessage, type CaptionsPartialMessage } from '../../src/client/captions-client';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { characterErrorRate } from './helpers/audio';
import { fileTranscriptionText } from './helpers/file-transcription';
import { startTestServer, type TestServer } from './helpers/test-server';
import { sleep } from './helpers/ws-client';

/** The typed captions client (src/client/captions-client.ts) with the `ws` package against the real server and models. */
describe('CaptionsClient', () => {
  const KEY = 'client-test-key';
  let server: TestServer;
  const speech = loadSpeechFixture();
  let fileText = '';

  beforeAll(async () => {
    server = await startTestServer({ API_KEYS: KEY, MAX_STREAMS: '4' });
    fileText = await fileTranscriptionText(server.url, speech.samples, { apiKey: KEY });
  });
  afterAll(() => server.close());

  /** Streams the fixture in 100 ms chunks at `speed` × real time, converted by `toInput`, then ends the stream. */
  async function streamFixture(client: CaptionsClient, toInput: (samples: Float32Array) => Float32Array | Int16Array | Buffer, speed = 10): Promise<void> {
    const chunk = 1600;
    for (let at = 0; at < speech.samples.length; at += chunk) {
      client.sendAudio(toInput(speech.samples.subarray(at, at + chunk)));
      await sleep(100 / speed);
    }
  }

  function record(client: CaptionsClient) {
    const partials: CaptionsPartialMessage[] = [];
    const finals: CaptionsFinalMessage[] = [];
    const order: string[] = [];
    for (const type of ['speech_started', 'speech_stopped', 'partial', 'final', 'end', 'error'] as const) client.on(type, () => order.push(type));
    client.on('partial', (p) => partials.push(p));
    client.on('final', (f) => finals.push(f));
    return { partials, finals, order };
  }

  const toInt16 = (s: Float32Array) => Int16Array.from(s, (v) => Math.round(v * 32767));

  test.each([
    ['Int16Array samples, pcm16 on the wire', 'pcm16' as const, toInt16],
    ['Float32Array samples, converted to pcm16', 'pcm16' as const, (s: Float32Array) => s],
    ['Float32Array samples, float32 on the wire', 'float32' as const, (s: Float32Array) => s],
    ['raw PCM16 bytes in a Buffer', 'pcm16' as const, (s: Float32Array) => Buffer.from(toInt16(s).buffer)],
  ])('%s: typed partials and finals, end() resolves, finals match the file transcription', async (_name, encoding, toInput) => {
    const client = new CaptionsClient();
    const seen = record(client);
    // A base http:// URL is enough: the client goes to ws://…/v1/audio/transcriptions.
    const ready = await client.connect(server.url, { WebSocket, apiKey: KEY, sampleRate: 16000, encoding });
    expect(ready).toMatchObject({ type: 'ready', protocol: 'captions.v1', sample_rate: 16000, encoding });
    expect(client.ready).toBe(ready);
    expect(client.isOpen).toBe(true);
    await streamFixture(client, toInput);
    expect(client.sentAudioSec).toBeCloseTo(speech.samples.length / 16000, 3);
    const end = await client.end();
    expect(end.duration).toBeCloseTo(speech.samples.length / 16000, 1);
    expect(await client.closed).toEqual({ code: 1000, reason: expect.any(String) });
    expect(client.isOpen).toBe(false);

    expect(seen.order).not.toContain('error');
    expect(seen.order[seen.order.length - 1]).toBe('end');
    expect(seen.partials.length).toBeGreaterThan(0);
    for (const p of seen.partials) expect(p.text).toBe([p.stable_text, p.unstable_text].filter(Boolean).join(' '));
    expect(seen.finals.length).toBe(speech.speech.length);
    for (const f of seen.finals) expect(f.words.map((w) => w.word).join(' ')).toBe(f.text);
    expect(characterErrorRate(fileText, seen.finals.map((f) => f.text).join(' '))).toBeLessThanOrEqual(0.4);
  }, 60_000);

  test('the key as the openai-insecure-api-key subprotocol (what browsers send) is accepted; the server answers captions.v1', async () => {
    const client = await CaptionsClient.connect(server.url.replace(/^http/, 'ws') + '/v1/audio/transcriptions', { WebSocket, apiKey: KEY, keyTransport: 'subprotocol' });
    expect(client.ready?.protocol).toBe('captions.v1');
    await client.end();
  });

  test('manual turn detection: commit() ends the utterance, and vad settings are sent as config before connect resolves', async () => {
    const client = new CaptionsClient();
    const configured = client.next('configured');
    await client.connect(server.url, { WebSocket, apiKey: KEY, turnDetection: 'manual', vad: { threshold: 0.6 } });
    expect(await configured).toMatchObject({ type: 'configured', turn_detection: 'manual' });
    const first = speech.speech[0];
    client.sendAudio(speech.samples.subarray(0, first.endSample + 3200));
    const final = client.next('final', { timeoutMs: 30_000 });
    client.commit();
    expect((await final).text.length).toBeGreaterThan(0);
    await client.end();
  }, 60_000);

  test('a wrong key: connect rejects with a StreamClientError naming the 401', async () => {
    const client = new CaptionsClient();
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    const failed = client.connect(server.url, { WebSocket, apiKey: 'wrong' });
    await expect(failed).rejects.toBeInstanceOf(StreamClientError);
    await expect(failed).rejects.toMatchObject({ code: 'connection_failed', message: expect.stringContaining('401') });
    expect(errors).toEqual(['connection_failed']);
  });

  test("an unknown model: connect rejects with the server's code, and the close code", async () => {
    const failed = CaptionsClient.connect(server.url, { WebSocket, apiKey: KEY, model: 'no-such-model' });
    await expect(failed).rejects.toMatchObject({ code: 'model_not_found', closeCode: 1008 });
  });

  test('sending after the stream closed throws; µ-law streams take raw bytes only', async () => {
    const client = await CaptionsClient.connect(server.url, { WebSocket, apiKey: KEY, encoding: 'mulaw', sampleRate: 8000 });
    expect(() => client.sendAudio(new Float32Array(80))).toThrow(/raw mulaw bytes/);
    client.sendAudio(new Uint8Array(80).fill(0xff));
    await client.end();
    expect(() => client.sendAudio(new Uint8Array(80))).toThrow(StreamClientError);
    expect(() => client.commit()).toThrow(/not open/);
  });

  test('without a WebSocket class (Node 20 has no global one) connect says what to pass', async () => {
    const global = (globalThis as { WebSocket?: unknown }).WebSocket;
    (globalThis as { WebSocket?: unknown }).WebSocket = undefined;
    try {
      await expect(new CaptionsClient().connect(server.url, {})).rejects.toThrow(/options\.WebSocket/);
    } finally {
      (globalThis as { WebSocket?: unknown }).WebSocket = global;
    }
  });
});
