import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { realtimeMidUtterance } from './helpers/mid-utterance-streams';
import { startTestServer, type TestServer } from './helpers/test-server';
import { pcm16Bytes, RecordingSocket, sleep, streamChunks } from './helpers/ws-client';

/**
 * Stream limits (issue 12, defect 5): a stream that sends no audio for STREAM_IDLE_TIMEOUT_SEC is closed
 * even while it sends pings, a stream is closed after MAX_STREAM_WALL_SEC of wall-clock time however it
 * behaves, and either way the client is told why and gets the final of the audio heard so far.
 */
describe('WebSocket stream limits', () => {
  let server: TestServer;
  let wsBase: string;
  const speech = loadSpeechFixture();
  const midUtterance = speech.samples.subarray(0, Math.round(2.2 * 16000));

  beforeAll(async () => {
    server = await startTestServer({ STREAM_IDLE_TIMEOUT_SEC: '2', MAX_STREAM_WALL_SEC: '4' });
    wsBase = server.url.replace(/^http/, 'ws');
  });
  afterAll(() => server.close());

  /** Sends `message` every 300 ms until the socket closes. */
  function keepPinging(s: RecordingSocket, message: object): void {
    const timer = setInterval(() => (s.closeCode === null ? s.sendJson(message) : clearInterval(timer)), 300);
  }

  test('captions: pings do not keep a stream without audio open; the open utterance gets its final, then error, then 1008', async () => {
    const s = new RecordingSocket(`${wsBase}/v1/audio/transcriptions`);
    await s.opened;
    await s.waitForType('ready');
    await streamChunks((c) => s.ws.send(c), pcm16Bytes(midUtterance), 32, 100, 8);
    const audioEnd = Date.now();
    await s.waitForType('speech_started');
    keepPinging(s, { type: 'ping' });
    expect(await s.closed(8000)).toBe(1008);
    const closedAfterMs = Date.now() - audioEnd;
    expect(closedAfterMs).toBeGreaterThanOrEqual(1800);
    expect(closedAfterMs).toBeLessThan(5000);
    const limitError = s.ofType('error').find((m) => m.code === 'idle_timeout');
    expect(limitError).toBeDefined();
    expect(limitError!.message).toMatch(/no audio/i);
    const final = s.ofType('final')[0];
    expect((final?.text as string | undefined)?.length).toBeGreaterThan(0);
  }, 30_000);

  test('Realtime: pings do not keep a session open; the open turn is completed before 1008', async () => {
    const s = await realtimeMidUtterance(wsBase, midUtterance);
    keepPinging(s, { type: 'ping' });
    expect(await s.closed(8000)).toBe(1008);
    const completed = s.ofType('conversation.item.input_audio_transcription.completed')[0];
    expect((completed?.transcript as string | undefined)?.length).toBeGreaterThan(0);
    const limitError = s.ofType('error').find((m) => (m.error as { code?: string }).code === 'idle_timeout');
    expect(limitError).toBeDefined();
  }, 30_000);

  test('a stream that keeps sending audio is closed after MAX_STREAM_WALL_SEC of wall-clock time', async () => {
    const s = new RecordingSocket(`${wsBase}/v1/audio/transcriptions`);
    await s.opened;
    await s.waitForType('ready');
    const opened = Date.now();
    // 100 ms of silence every 100 ms: real-time audio, never idle, far below MAX_STREAM_DURATION_SEC.
    const silence = Buffer.alloc(3200);
    const timer = setInterval(() => s.closeCode === null && s.ws.send(silence), 100);
    try {
      expect(await s.closed(10_000)).toBe(1008);
    } finally {
      clearInterval(timer);
    }
    const elapsed = Date.now() - opened;
    expect(elapsed).toBeGreaterThanOrEqual(3800);
    expect(elapsed).toBeLessThan(6500);
    expect(s.ofType('error').find((m) => m.code === 'max_stream_wall_time')).toBeDefined();
    expect(s.ofType('end')).toHaveLength(1);
    await sleep(10);
  }, 30_000);
});
