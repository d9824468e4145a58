import net from 'node:net';
import OpenAI, { toFile } from 'openai';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { wavBytes } from './helpers/audio';
import { startTestServer, type TestServer } from './helpers/test-server';

/**
 * A client that starts an upload and stalls must not hold a request slot: it gets 408 in OpenAI's shape
 * when the upload timeout passes, its connection is closed, and the slot serves the next client.
 */
describe('stalled uploads', () => {
  let server: TestServer;
  let client: OpenAI;
  const speech = loadSpeechFixture();

  beforeAll(async () => {
    server = await startTestServer({ UPLOAD_TIMEOUT_SEC: '1', MAX_CONCURRENT_REQUESTS: '1' });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => server.close());

  /** Sends the headers and the start of a multipart body that announces far more, then goes quiet. */
  function stallingUpload(): { response: Promise<string>; closed: Promise<void> } {
    const boundary = 'stall';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`;
    const socket = net.connect(server.port, '127.0.0.1');
    socket.write(
      `POST /v1/audio/transcriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
        `Content-Length: 1000000\r\n\r\n${head}`,
    );
    socket.write(Buffer.alloc(2000));
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('utf8')));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    return { response: closed.then(() => received), closed };
  }

  test('get 408 upload_timeout, are disconnected, and free the slot for the next client', async () => {
    const started = Date.now();
    const stalled = stallingUpload();
    await new Promise((r) => setTimeout(r, 200));
    // While it stalls it holds the only slot: others are told to come back.
    const meanwhile = await client.audio.transcriptions
      .create({ file: await toFile(wavBytes(speech.samples, 16000), 'a.wav'), model: 'whisper-1' })
      .catch((e: unknown) => e);
    expect((meanwhile as InstanceType<typeof OpenAI.APIError>).status).toBe(429);

    const raw = await stalled.response;
    const elapsedMs = Date.now() - started;
    expect(elapsedMs).toBeGreaterThanOrEqual(900);
    expect(elapsedMs).toBeLessThan(5000);
    expect(raw).toMatch(/^HTTP\/1\.1 408 /);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { error: { code: string; param: string; type: string } };
    expect(body.error).toMatchObject({ code: 'upload_timeout', param: 'file', type: 'invalid_request_error' });

    const after = await client.audio.transcriptions.create({ file: await toFile(wavBytes(speech.samples, 16000), 'b.wav'), model: 'whisper-1' });
    expect(after.text.length).toBeGreaterThan(0);
  });
});
