import net from 'node:net';
import OpenAI, { toFile } from 'openai';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { wavBytes } from './helpers/audio';
import { startTestServer, type TestServer } from './helpers/test-server';

/**
 * A client that starts an upload and stalls, or trickles it in, must not hold capacity: the request slot is
 * taken only once the upload is in (others are served meanwhile), and the client gets 408 in OpenAI's shape
 * when the upload timeout passes or its rate stays below the minimum, and its connection is closed.
 */
describe('stalled uploads', () => {
  let server: TestServer;
  let client: OpenAI;
  const speech = loadSpeechFixture();

  beforeAll(async () => {
    server = await startTestServer({ UPLOAD_TIMEOUT_SEC: '1', MAX_CONCURRENT_REQUESTS: '1', MIN_UPLOAD_BYTES_PER_SEC: '0' });
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

  test('get 408 upload_timeout and are disconnected, holding no slot meanwhile', async () => {
    const started = Date.now();
    const stalled = stallingUpload();
    await new Promise((r) => setTimeout(r, 200));
    // While it stalls, the only request slot still serves others: a slot is taken once the upload is in.
    const meanwhile = await client.audio.transcriptions.create({ file: await toFile(wavBytes(speech.samples, 16000), 'a.wav'), model: 'whisper-1' });
    expect(meanwhile.text.length).toBeGreaterThan(0);

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

describe('trickled uploads', () => {
  let server: TestServer;
  let client: OpenAI;
  const speech = loadSpeechFixture();

  beforeAll(async () => {
    server = await startTestServer({ UPLOAD_TIMEOUT_SEC: '60', MAX_CONCURRENT_REQUESTS: '2', MIN_UPLOAD_BYTES_PER_SEC: '1000', UPLOAD_RATE_WINDOW_SEC: '2' });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => server.close());

  /** An upload that sends one byte every 250 ms (4 bytes/s) until the server answers. */
  function tricklingUpload(): Promise<string> {
    const boundary = 'trickle';
    const socket = net.connect(server.port, '127.0.0.1');
    socket.write(
      `POST /v1/audio/transcriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
        `Content-Length: 1000000\r\n\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n`,
    );
    const timer = setInterval(() => socket.writable && socket.write('x'), 250);
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('utf8')));
    socket.on('error', () => undefined);
    return new Promise((resolve) =>
      socket.on('close', () => {
        clearInterval(timer);
        resolve(received);
      }),
    );
  }

  test('more trickling clients than request slots: normal uploads all succeed, the trickles get 408 upload_too_slow within the window', async () => {
    const started = Date.now();
    const trickles = Array.from({ length: 8 }, () => tricklingUpload());
    await new Promise((r) => setTimeout(r, 300));
    // As many normal uploads at once as there are slots, twice over: the trickles hold none of them.
    for (let round = 0; round < 2; round++) {
      const normal = await Promise.all(
        Array.from({ length: 2 }, async (_, i) => client.audio.transcriptions.create({ file: await toFile(wavBytes(speech.samples, 16000), `n${i}.wav`), model: 'whisper-1' })),
      );
      for (const r of normal) expect(r.text.length).toBeGreaterThan(0);
    }
    const answers = await Promise.all(trickles);
    expect(Date.now() - started).toBeLessThan(8000);
    for (const raw of answers) {
      expect(raw).toMatch(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'upload_too_slow', param: 'file' } });
    }
  });
});
