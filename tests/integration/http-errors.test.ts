import OpenAI, { toFile } from 'openai';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { wavBytes } from './helpers/audio';
import { startTestServer, type TestServer } from './helpers/test-server';

/**
 * Bad input of every kind gets the right 4xx in OpenAI's error shape, with a request id, and leaves the
 * server healthy for the next client.
 */
describe('bad input over HTTP', () => {
  let server: TestServer;
  let client: OpenAI;
  const speech = loadSpeechFixture();
  const goodWav = wavBytes(speech.samples, speech.sampleRateHz);

  beforeAll(async () => {
    server = await startTestServer();
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'test', maxRetries: 0 });
  });
  afterAll(() => server.close());

  type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };
  async function post(form: FormData): Promise<{ status: number; body: ErrorBody; headers: Headers }> {
    const res = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
    return { status: res.status, body: (await res.json()) as ErrorBody, headers: res.headers };
  }

  function form(file: Uint8Array | null, fields: Record<string, string> = {}, fileName = 'audio.wav', type = 'audio/wav'): FormData {
    const f = new FormData();
    if (file) f.append('file', new Blob([file], { type }), fileName);
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    return f;
  }

  function truncatedHeader(): Uint8Array {
    return goodWav.subarray(0, 30);
  }

  function lyingHeader(): Uint8Array {
    const b = Buffer.from(goodWav);
    b.writeUInt32LE(5, 24); // sample rate 5 Hz
    return b;
  }

  function unknownEncoding(): Uint8Array {
    const b = Buffer.from(goodWav);
    b.writeUInt16LE(0x55, 20); // format tag 0x55 (MPEG layer 3) in a WAV header with PCM data
    return b;
  }

  const randomBytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251);

  test.each([
    ['random bytes', 400, 'file', 'invalid_audio', () => form(randomBytes, { model: 'whisper-1' }, 'audio.mp3', 'audio/mpeg')],
    ['a zero-length file', 400, 'file', 'empty_file', () => form(new Uint8Array(0), { model: 'whisper-1' })],
    ['a WAV header truncated before its data', 400, 'file', 'invalid_audio', () => form(truncatedHeader(), { model: 'whisper-1' })],
    ['a WAV header lying about its sample rate', 400, 'file', 'invalid_audio', () => form(lyingHeader(), { model: 'whisper-1' })],
    ['a WAV with an unsupported encoding tag', 415, 'file', 'unsupported_audio_encoding', () => form(unknownEncoding(), { model: 'whisper-1' })],
    ['a text file', 415, 'file', 'unsupported_media_type', () => form(new TextEncoder().encode('hello'), { model: 'whisper-1' }, 'notes.txt', 'text/plain')],
    ['no file', 400, 'file', 'missing_file', () => form(null, { model: 'whisper-1' })],
    ['an unknown model', 404, 'model', 'model_not_found', () => form(goodWav, { model: 'no-such-model' })],
    ['a bad response_format', 400, 'response_format', 'invalid_value', () => form(goodWav, { response_format: 'xml' })],
    ['a non-numeric temperature', 400, 'temperature', 'invalid_value', () => form(goodWav, { temperature: 'hot' })],
    ['a bad stream flag', 400, 'stream', 'invalid_value', () => form(goodWav, { stream: 'perhaps' })],
    ['a bad timestamp granularity', 400, 'timestamp_granularities', 'invalid_value', () => form(goodWav, { 'timestamp_granularities[]': 'syllable' })],
    ['an unsupported language', 400, 'language', 'unsupported_language', () => form(goodWav, { language: 'fr' })],
  ])('%s → %i (%s, %s)', async (_name, status, param, code, build) => {
    const res = await post(build());
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ param, code });
    expect(typeof res.body.error.message).toBe('string');
    expect(res.headers.get('x-request-id')).toMatch(/\S+/);
  });

  test('the file sent in a field of the wrong name is a 400', async () => {
    const f = new FormData();
    f.append('audio', new Blob([goodWav], { type: 'audio/wav' }), 'a.wav');
    const res = await post(f);
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('audio');
  });

  test('a JSON body instead of multipart is a 400', async () => {
    const res = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"file":"x"}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.param).toBe('file');
  });

  test('a 30 MB upload (limit 25 MiB) is refused with 413 through the SDK', async () => {
    const big = new Uint8Array(30 * 1000 * 1000);
    big.set(goodWav.subarray(0, 44));
    const err = await client.audio.transcriptions.create({ file: await toFile(big, 'big.wav'), model: 'whisper-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('file_too_large');
  });

  test('unknown routes are a 404 in the same shape', async () => {
    const res = await fetch(`${server.url}/v1/nothing`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe('unknown_route');
  });

  test('unknown model through the SDK is a NotFoundError', async () => {
    const err = await client.audio.transcriptions.create({ file: await toFile(goodWav, 'a.wav'), model: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test('after all that the server is healthy and transcribes', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    const result = await client.audio.transcriptions.create({ file: await toFile(goodWav, 'ok.wav'), model: 'whisper-1' });
    expect(typeof result.text).toBe('string');
  });
});
