import http from 'node:http';
import OpenAI, { toFile } from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import WebSocket from 'ws';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { wavBytes } from './helpers/audio';
import { startTestServer, type TestServer } from './helpers/test-server';
import { selfSignedCert } from './helpers/tls';

const KEY = 'sk-test-0123456789abcdef';
const OTHER_KEY = 'sk-file-key-2';
const APP_ORIGIN = 'https://app.example';
const INVALID_KEY_BODY = { error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_api_key' } };

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One plain HTTP request (node:http, so that any header, Origin included, is sent as given). */
function request(url: string, method: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

type UpgradeOutcome = { opened: true; protocol: string; firstMessage: Record<string, unknown> } | { opened: false; status: number; body: unknown };

/** Tries a WebSocket upgrade: either it opens (protocol answered, first server message) or it is refused with an HTTP response. */
function tryUpgrade(url: string, protocols: string[] = [], options: WebSocket.ClientOptions = {}): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    ws.once('message', (data) => {
      resolve({ opened: true, protocol: ws.protocol, firstMessage: JSON.parse(data.toString()) as Record<string, unknown> });
      ws.close();
    });
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ opened: false, status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    ws.once('error', (err) => reject(err));
  });
}

/** API keys and browser origins, against the real server with real clients (the `openai` SDK, `ws`). */
describe('API keys and CORS', () => {
  let server: TestServer;
  let wsBase: string;
  const speech = loadSpeechFixture();
  const wav = wavBytes(speech.samples, speech.sampleRateHz);
  const sdk = (apiKey: string) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });

  beforeAll(async () => {
    server = await startTestServer({ API_KEYS: `${KEY},${OTHER_KEY}`, CORS_ORIGINS: APP_ORIGIN });
    wsBase = server.url.replace(/^http/, 'ws');
  });
  afterAll(() => server.close());

  describe('HTTP', () => {
    test('the openai SDK transcribes with the right key (Authorization: Bearer)', async () => {
      const r = await sdk(KEY).audio.transcriptions.create({ file: await toFile(wav, 'speech.wav', { type: 'audio/wav' }), model: 'whisper-1' });
      expect(r.text.length).toBeGreaterThan(0);
    });

    test('the openai SDK gets AuthenticationError 401 invalid_api_key with a wrong key', async () => {
      const err = await sdk('sk-wrong').audio.transcriptions.create({ file: await toFile(wav, 'speech.wav', { type: 'audio/wav' }), model: 'whisper-1' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      const e = err as InstanceType<typeof OpenAI.AuthenticationError>;
      expect(e.status).toBe(401);
      expect(e.code).toBe('invalid_api_key');
      expect(e.type).toBe('invalid_request_error');
      expect(e.message).not.toContain('sk-wrong');
    });

    test('models.list: right key (either configured key) lists, wrong key is AuthenticationError', async () => {
      for (const key of [KEY, OTHER_KEY]) {
        const ids = (await sdk(key).models.list()).data.map((m) => m.id);
        expect(ids).toContain(server.services.registry.defaultId);
      }
      const err = await sdk(`${KEY}x`).models.list().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((err as { code: string }).code).toBe('invalid_api_key');
    });

    test('x-api-key works; no key is a 401 in OpenAI shape', async () => {
      expect((await request(`${server.url}/v1/models`, 'GET', { 'x-api-key': KEY })).status).toBe(200);
      const none = await request(`${server.url}/v1/models`, 'GET');
      expect(none.status).toBe(401);
      expect(JSON.parse(none.body)).toEqual(INVALID_KEY_BODY);
      expect(none.headers['x-request-id']).toBeDefined();
    });

    test('/health and /ready stay open; /metrics and /status need a key', async () => {
      expect((await request(`${server.url}/health`, 'GET')).status).toBe(200);
      expect((await request(`${server.url}/ready`, 'GET')).status).toBe(200);
      for (const path of ['/metrics', '/status']) {
        const refused = await request(`${server.url}${path}`, 'GET');
        expect(refused.status).toBe(401);
        expect(JSON.parse(refused.body)).toEqual(INVALID_KEY_BODY);
        expect((await request(`${server.url}${path}`, 'GET', { authorization: `Bearer ${KEY}` })).status).toBe(200);
      }
    });

    test('a CORS preflight from an allowed origin is answered, with the key headers allowed', async () => {
      const r = await request(`${server.url}/v1/audio/transcriptions`, 'OPTIONS', {
        origin: APP_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, x-stainless-os',
      });
      expect(r.status).toBe(204);
      expect(r.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      expect(r.headers['access-control-allow-methods']).toMatch(/POST/);
      const allowed = (r.headers['access-control-allow-headers'] ?? '').split(/,\s*/);
      expect(allowed).toEqual(expect.arrayContaining(['authorization', 'x-api-key', 'content-type', 'x-stainless-os']));
      expect(r.headers.vary).toMatch(/Origin/);
    });

    test('a preflight from another origin is not allowed', async () => {
      const r = await request(`${server.url}/v1/audio/transcriptions`, 'OPTIONS', { origin: 'https://evil.example', 'access-control-request-method': 'POST' });
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      expect(r.headers['access-control-allow-headers']).toBeUndefined();
    });

    test('actual requests from an allowed origin carry CORS headers, errors included; other origins get none', async () => {
      const ok = await request(`${server.url}/v1/models`, 'GET', { origin: APP_ORIGIN, authorization: `Bearer ${KEY}` });
      expect(ok.status).toBe(200);
      expect(ok.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      expect(ok.headers['access-control-expose-headers']).toMatch(/x-request-id/);
      expect(ok.headers.vary).toMatch(/Origin/);
      const refused = await request(`${server.url}/v1/models`, 'GET', { origin: APP_ORIGIN });
      expect(refused.status).toBe(401);
      expect(refused.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      const other = await request(`${server.url}/v1/models`, 'GET', { origin: 'https://evil.example', authorization: `Bearer ${KEY}` });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      expect(other.headers.vary).toMatch(/Origin/);
    });
  });

  describe('WebSockets', () => {
    const realtime = () => `${wsBase}/v1/realtime?intent=transcription`;

    test.each([
      [['realtime', `openai-insecure-api-key.${KEY}`]],
      [[`openai-insecure-api-key.${KEY}`, 'realtime', 'openai-beta.realtime-v1']],
    ])('the browser-style key subprotocol %j is accepted; the answered protocol is realtime, never the key', async (protocols) => {
      const r = await tryUpgrade(realtime(), protocols);
      expect(r).toMatchObject({ opened: true, protocol: 'realtime', firstMessage: { type: 'session.created' } });
    });

    test('a wrong key in the subprotocol is refused with 401 before the upgrade', async () => {
      const r = await tryUpgrade(realtime(), ['realtime', 'openai-insecure-api-key.sk-wrong']);
      expect(r).toEqual({ opened: false, status: 401, body: INVALID_KEY_BODY });
    });

    test('no key is refused with 401, on both endpoints', async () => {
      for (const url of [realtime(), `${wsBase}/v1/audio/transcriptions`]) {
        expect(await tryUpgrade(url)).toEqual({ opened: false, status: 401, body: INVALID_KEY_BODY });
      }
    });

    test.each([
      ['Authorization header', '', { authorization: `Bearer ${KEY}` }],
      ['x-api-key header', '', { 'x-api-key': KEY }],
      ['api_key query parameter', `?api_key=${encodeURIComponent(KEY)}`, {}],
    ])('captions accept the key as %s', async (_label, query, headers) => {
      const r = await tryUpgrade(`${wsBase}/v1/audio/transcriptions${query}`, [], { headers });
      expect(r).toMatchObject({ opened: true, firstMessage: { type: 'ready' } });
    });

    test('a browser upgrade from an origin outside CORS_ORIGINS is refused with 403; an allowed one opens', async () => {
      const refused = await tryUpgrade(realtime(), ['realtime', `openai-insecure-api-key.${KEY}`], { origin: 'https://evil.example' });
      expect(refused).toEqual({ opened: false, status: 403, body: { error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'origin_not_allowed' } } });
      const allowed = await tryUpgrade(realtime(), ['realtime', `openai-insecure-api-key.${KEY}`], { origin: APP_ORIGIN });
      expect(allowed).toMatchObject({ opened: true, protocol: 'realtime' });
    });
  });
});

/** The SDK's realtime client always connects with wss://, so this server speaks TLS. */
describe('API keys with the openai SDK realtime client', () => {
  let server: TestServer;
  let tls: ReturnType<typeof selfSignedCert>;

  beforeAll(async () => {
    tls = selfSignedCert();
    server = await startTestServer({ API_KEYS: KEY, TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: tls.keyFile });
  });
  afterAll(() => server.close());

  /** Resolves with the first event or error of an OpenAIRealtimeWS connection. */
  function connect(apiKey: string): Promise<{ event?: string; error?: string }> {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey });
    const rt = new OpenAIRealtimeWS({ model: 'gpt-4o-transcribe', options: { ca: tls.cert } }, client);
    return new Promise((resolve) => {
      rt.on('event', (e) => {
        resolve({ event: e.type });
        rt.close();
      });
      rt.on('error', (err) => resolve({ error: err.message }));
    });
  }

  test('the right key opens a session (Authorization: Bearer on the upgrade)', async () => {
    expect(await connect(KEY)).toEqual({ event: 'session.created' });
  });

  test('a wrong key is refused before the upgrade with 401', async () => {
    const r = await connect('sk-wrong');
    expect(r.event).toBeUndefined();
    expect(r.error).toMatch(/401/);
  });

  test('a ws client on the same TLS server: key subprotocol accepted, chosen protocol realtime', async () => {
    const r = await tryUpgrade(`${server.url.replace(/^https/, 'wss')}/v1/realtime?intent=transcription`, ['realtime', `openai-insecure-api-key.${KEY}`], { ca: tls.cert });
    expect(r).toMatchObject({ opened: true, protocol: 'realtime' });
  });
});
