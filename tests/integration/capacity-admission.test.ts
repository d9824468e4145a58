import OpenAI, { toFile } from 'openai';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { wavBytes } from './helpers/audio';
import { startTestServer, type TestServer } from './helpers/test-server';
import { pcm16Bytes, RecordingSocket, sleep, streamChunks } from './helpers/ws-client';

/**
 * Admission by measured capacity, through the real server: with a tiny utilization limit a little work uses
 * the capacity up, and then a new WebSocket stream gets `error` + close 1013 and an upload gets 503 +
 * Retry-After in OpenAI's error shape — while the stream admitted before still gets its final.
 */
describe('capacity-based admission', () => {
  let server: TestServer;
  let client: OpenAI;
  let wsUrl: string;
  const speech = loadSpeechFixture();
  const wav = wavBytes(speech.samples, speech.sampleRateHz);

  beforeAll(async () => {
    // 10% of one worker over 5 s is 0.5 s of inference: two or three uploads of the fixture use it up.
    server = await startTestServer({ CAPACITY_ADMISSION: 'true', ADMISSION_MAX_UTILIZATION: '0.1', ADMISSION_MAX_QUEUE_WAIT_MS: '60000' });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    wsUrl = `${server.url.replace(/^http/, 'ws')}/v1/audio/transcriptions`;
  });
  afterAll(() => server.close());

  const upload = async () => client.audio.transcriptions.create({ file: await toFile(wav, 'speech.wav'), model: 'whisper-1' });

  test('past the knee: new streams get error + 1013, uploads 503 + Retry-After; an admitted stream keeps its final', async () => {
    const capacity = server.services.capacity!;
    expect(capacity.check()).toBeNull();
    // Admitted while there is capacity.
    const admitted = new RecordingSocket(wsUrl);
    await admitted.waitForType('ready');

    // Rounds of eight uploads at once, all admitted, until the window holds more than the limit's worth of
    // work (a busy machine spreads the uploads out, so how many it takes varies; a handful of rounds does).
    // An upload of a round may meet the knee itself: then it is refused with a 503, never failed otherwise.
    for (let round = 0; round < 8 && capacity.check() === null; round++) {
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => upload()));
      for (const r of results) if (r.status === 'rejected') expect((r.reason as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    }
    expect(capacity.check()).not.toBeNull();
    expect(capacity.partialIntervalScale()).toBeGreaterThan(1); // partials were stretched before the refusals began

    const refused = new RecordingSocket(wsUrl);
    expect(await refused.closed(5000)).toBe(1013);
    expect(refused.ofType('error')[0]).toMatchObject({ code: 'server_overloaded' });

    const { error, headers } = await upload().then(
      () => ({ error: null, headers: null }),
      (e: InstanceType<typeof OpenAI.APIError>) => ({ error: e, headers: e.headers }),
    );
    expect(error?.status).toBe(503);
    expect(error?.code).toBe('server_overloaded');
    expect(error?.type).toBe('service_unavailable_error');
    expect(Number(headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // The stream admitted before the knee is served to its end: its final arrives.
    await streamChunks((c) => admitted.ws.send(c), pcm16Bytes(speech.samples), 32, 100, 8);
    admitted.sendJson({ type: 'end' });
    await admitted.waitForType('end', 60_000);
    const finals = admitted.ofType('final');
    expect(finals.length).toBeGreaterThanOrEqual(1);
    expect(finals.map((f) => f.text).join(' ').length).toBeGreaterThan(0);
    admitted.ws.close();
    await admitted.closed();
  }, 60_000);

  test('once the load is older than the window, new work is admitted again', async () => {
    const capacity = server.services.capacity!;
    const deadline = Date.now() + 15_000;
    while (capacity.check('stream') !== null && Date.now() < deadline) await sleep(200);
    expect(capacity.check('stream')).toBeNull();
    // A stream is admitted again. On a busy machine work of the first test may still be ending as the window
    // slides, so the first try may meet the knee once more: then it is the capacity's refusal (server_overloaded,
    // 1013), never another error, and a later try within the deadline is admitted.
    let admittedAgain = false;
    while (!admittedAgain && Date.now() < deadline + 10_000) {
      const again = new RecordingSocket(wsUrl);
      const first = await again.waitFor((m) => m.type === 'ready' || m.type === 'error', 20_000, 'ready or error');
      if (first.type === 'ready') {
        admittedAgain = true;
        again.ws.close();
        await again.closed();
      } else {
        expect(first).toMatchObject({ code: 'server_overloaded' });
        expect(await again.closed(5000)).toBe(1013);
        await sleep(500);
      }
    }
    expect(admittedAgain).toBe(true);
    expect((await upload()).text.length).toBeGreaterThan(0);
  }, 45_000);
});
