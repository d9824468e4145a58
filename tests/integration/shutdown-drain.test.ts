import pino from 'pino';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { parseConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import { Services } from '../../src/services';
import { wavBytes } from './helpers/audio';
import { multipartWav, RawHttpSocket, uploadHead } from './helpers/raw-http';
import { MODELS_DIR } from './helpers/test-server';
import { captionsMidUtterance, realtimeMidUtterance } from './helpers/mid-utterance-streams';

/**
 * Graceful shutdown (issue 12, defect 1) on the real server: live streams end with their finals, new requests
 * on kept-alive sockets are refused, in-flight uploads finish, and the drain ends as soon as the work has.
 */
describe('graceful shutdown', () => {
  const speech = loadSpeechFixture();
  /** The first 2.2 s of the clip: the first utterance (0.7–2.9 s) is still being spoken. */
  const midUtterance = speech.samples.subarray(0, Math.round(2.2 * 16000));

  async function start(env: Record<string, string> = {}): Promise<RunningServer> {
    const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', MODELS_DIR, INFERENCE_WORKERS: '1', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...env });
    const services = new Services(config, pino({ level: config.logLevel }));
    const running = await startServer(services, config.port, config.host);
    await services.start();
    return running;
  }

  test('captions streams get the open utterance final, then end, then 1001; Realtime the completed turn before 1001', async () => {
    const running = await start();
    const wsBase = running.url.replace(/^http/, 'ws');
    const captions = await Promise.all([captionsMidUtterance(wsBase, midUtterance), captionsMidUtterance(wsBase, midUtterance)]);
    const realtime = await realtimeMidUtterance(wsBase, midUtterance);
    expect(captions.every((s) => s.ofType('final').length === 0)).toBe(true);
    expect(realtime.ofType('conversation.item.input_audio_transcription.completed')).toEqual([]);

    await running.close();

    for (const s of captions) {
      expect(await s.closed()).toBe(1001);
      const types = s.messages.map((m) => m.type);
      const final = s.ofType('final')[0];
      expect(final).toBeDefined();
      expect((final.text as string).length).toBeGreaterThan(0);
      expect(types.indexOf('final')).toBeLessThan(types.indexOf('end'));
      expect(types[types.length - 1]).toBe('end');
    }
    expect(await realtime.closed()).toBe(1001);
    const types = realtime.messages.map((m) => m.type);
    const completed = realtime.ofType('conversation.item.input_audio_transcription.completed')[0];
    expect(completed).toBeDefined();
    expect((completed.transcript as string).length).toBeGreaterThan(0);
    expect(types.indexOf('input_audio_buffer.committed')).toBeGreaterThanOrEqual(0);
    expect(types.indexOf('input_audio_buffer.committed')).toBeLessThan(types.indexOf('conversation.item.input_audio_transcription.completed'));
  }, 60_000);

  test('kept-alive sockets get 503 + Connection: close for new requests, idle ones are closed, an in-flight upload finishes, and the drain ends with the work', async () => {
    const running = await start({ SHUTDOWN_GRACE_SEC: '30' });
    const { body, contentType } = multipartWav(wavBytes(speech.samples, 16000));

    // An upload half sent when the drain starts.
    const upload = new RawHttpSocket(running.port);
    await upload.connected;
    upload.write(uploadHead(contentType, body.length));
    upload.write(body.subarray(0, body.length >> 1));
    // A kept-alive socket that has served a request and is idle.
    const idle = new RawHttpSocket(running.port);
    await idle.connected;
    idle.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await idle.waitForResponses(1);
    // A kept-alive socket whose next request's headers finish after the drain has started.
    const late = new RawHttpSocket(running.port);
    await late.connected;
    late.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await late.waitForResponses(1);
    late.write('GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await new Promise((r) => setTimeout(r, 100));

    const started = Date.now();
    let drainedAt = 0;
    const closing = running.close().then(() => (drainedAt = Date.now()));
    await new Promise((r) => setTimeout(r, 250));

    late.write('\r\n');
    const [, refused] = await late.waitForResponses(2);
    expect(refused).toMatch(/^HTTP\/1\.1 503/);
    expect(refused).toMatch(/\r\nConnection: close\r\n/i);
    await late.waitClosed(2000);
    await idle.waitClosed(2000);

    upload.write(body.subarray(body.length >> 1));
    const [done] = await upload.waitForResponses(1, 20_000);
    expect(done).toMatch(/^HTTP\/1\.1 200/);
    expect(done).toMatch(/"text":"[^"]+/);
    const uploadDoneAt = Date.now();
    await closing;
    // The drain ended with the work, long before the 30 s deadline.
    expect(drainedAt - uploadDoneAt).toBeLessThan(2000);
    expect(drainedAt - started).toBeLessThan(15_000);
  }, 60_000);
});
