import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { wavBytes } from './helpers/audio';
import { multipartWav, RawHttpSocket, uploadHead } from './helpers/raw-http';
import { ensureBuilt } from './helpers/cli';
import { captionsMidUtterance, realtimeMidUtterance } from './helpers/mid-utterance-streams';
import { MAIN, spawnServerProcess } from './helpers/server-process';

/** SIGTERM to the real process (`node dist/main.js`, issue 12 defect 1): finals delivered, prompt exit, the grace deadline. */
describe('SIGTERM', () => {
  const speech = loadSpeechFixture();
  const midUtterance = speech.samples.subarray(0, Math.round(2.2 * 16000));

  // dist/ must hold this checkout's code (`npm test` builds first; run alone, the test builds when dist/ is stale).
  beforeAll(() => ensureBuilt(), 120_000);

  const spawnServer = (env: Record<string, string>) => spawnServerProcess([MAIN], env);

  test('captions and Realtime streams mid-utterance get their finals; the process exits as soon as they are done', async () => {
    const child = await spawnServer({ SHUTDOWN_GRACE_SEC: '30' });
    const wsBase = `ws://127.0.0.1:${child.port}`;
    const captions = await captionsMidUtterance(wsBase, midUtterance);
    const realtime = await realtimeMidUtterance(wsBase, midUtterance);
    // An idle kept-alive connection must not hold the exit up.
    const idle = new RawHttpSocket(child.port);
    idle.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await idle.waitForResponses(1);

    const sentAt = Date.now();
    child.proc.kill('SIGTERM');
    expect(await captions.closed()).toBe(1001);
    expect(await realtime.closed()).toBe(1001);
    const { code, at } = await child.exited;
    expect(code).toBe(0);
    expect(at - sentAt).toBeLessThan(5000);
    expect((captions.ofType('final')[0]?.text as string).length).toBeGreaterThan(0);
    expect(captions.messages[captions.messages.length - 1].type).toBe('end');
    expect((realtime.ofType('conversation.item.input_audio_transcription.completed')[0]?.transcript as string).length).toBeGreaterThan(0);
    expect(child.logs.some((l) => l.msg === 'drained: exiting')).toBe(true);
  }, 90_000);

  test('an upload that never finishes is cut at SHUTDOWN_GRACE_SEC, not before and not at a fixed 10 s', async () => {
    const child = await spawnServer({ SHUTDOWN_GRACE_SEC: '3' });
    const { body, contentType } = multipartWav(wavBytes(speech.samples, 16000));
    const upload = new RawHttpSocket(child.port);
    await upload.connected;
    upload.write(uploadHead(contentType, body.length));
    upload.write(body.subarray(0, body.length >> 1));
    await new Promise((r) => setTimeout(r, 200));
    const sentAt = Date.now();
    child.proc.kill('SIGTERM');
    const { code, at } = await child.exited;
    expect(code).toBe(0);
    expect(at - sentAt).toBeGreaterThanOrEqual(2900);
    expect(at - sentAt).toBeLessThan(6000);
    await upload.waitClosed(2000);
    expect(child.logs.some((l) => String(l.msg).startsWith('shutdown grace period over'))).toBe(true);
  }, 90_000);
});
