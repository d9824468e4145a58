import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { resample } from '../../src/audio/resample';
import { wavBytes } from './helpers/audio';
import { multipartWav, RawHttpSocket, uploadHead } from './helpers/raw-http';
import { MODELS_DIR, REPO_ROOT } from './helpers/test-server';
import { pcm16Bytes, RecordingSocket, streamChunks } from './helpers/ws-client';
import { followServerLog } from '../../scripts/bench/server-log';

/** SIGTERM to the real process (`node dist/main.js`, issue 12 defect 1): finals delivered, prompt exit, the grace deadline. */
describe('SIGTERM', () => {
  const speech = loadSpeechFixture();
  const midUtterance = speech.samples.subarray(0, Math.round(2.2 * 16000));

  /** Newest modification time of the sources under `dir`, in ms. */
  const newestSource = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newestSource(path.join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? statSync(path.join(dir, e.name)).mtimeMs : 0)));

  beforeAll(() => {
    // dist/ must hold this checkout's code (`npm test` builds first; run alone, the test builds when dist/ is stale).
    const main = path.join(REPO_ROOT, 'dist', 'main.js');
    if (existsSync(main) && statSync(main).mtimeMs >= newestSource(path.join(REPO_ROOT, 'src'))) return;
    try {
      execFileSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'ignore' });
    } catch {
      /* type errors elsewhere do not stop the emit */
    }
  }, 120_000);

  interface Child {
    proc: ChildProcess;
    port: number;
    logs: Record<string, unknown>[];
    exited: Promise<{ code: number | null; at: number }>;
  }

  async function spawnServer(env: Record<string, string>): Promise<Child> {
    const proc = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'main.js')], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', MODELS_DIR, INFERENCE_WORKERS: '1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => proc.once('exit', (code) => resolve({ code, at: Date.now() })));
    const { logs, ready } = followServerLog(proc, exited);
    const port = await ready;
    return { proc, port, logs, exited };
  }

  test('captions and Realtime streams mid-utterance get their finals; the process exits as soon as they are done', async () => {
    const child = await spawnServer({ SHUTDOWN_GRACE_SEC: '30' });
    const wsBase = `ws://127.0.0.1:${child.port}`;
    const captions = new RecordingSocket(`${wsBase}/v1/audio/transcriptions`);
    await captions.waitForType('ready');
    await streamChunks((c) => captions.ws.send(c), pcm16Bytes(midUtterance), 32, 100, 8);
    const realtime = new RecordingSocket(`${wsBase}/v1/realtime?intent=transcription`);
    await realtime.waitForType('session.created');
    await streamChunks((c) => realtime.sendJson({ type: 'input_audio_buffer.append', audio: c.toString('base64') }), pcm16Bytes(resample(midUtterance, 16000, 24000)), 48, 100, 8);
    await captions.waitForType('speech_started');
    await realtime.waitForType('input_audio_buffer.speech_started');
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
