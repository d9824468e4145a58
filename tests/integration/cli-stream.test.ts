import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { encodeWith, wordErrorRate } from './helpers/audio';
import { CLI, CONTROL_CHARACTERS, ensureBuilt, runCli } from './helpers/cli';
import { decodedTranscriptionText } from './helpers/file-transcription';
import { REPO_ROOT, startTestServer, type TestServer } from './helpers/test-server';
import { pcm16Bytes, sleep } from './helpers/ws-client';

/**
 * `onnx-stt-server stream` against a real server: files and stdin through the captions protocol, finals
 * printed one per line, matching what the same server transcribes from the file.
 */
describe('CLI stream', () => {
  const wav = path.join(REPO_ROOT, 'tests', 'fixtures', 'speech-two-utterances.wav');
  const speech = loadSpeechFixture();
  let server: TestServer;
  let fileText: string;

  beforeAll(async () => {
    ensureBuilt();
    server = await startTestServer();
    const file = await runCli(['transcribe', '--url', server.url, wav]);
    expect(file.code).toBe(0);
    fileText = file.stdout.trim();
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  /** Finals are plain lines; their words match the file transcription closely (streaming may differ by a word). */
  function expectFinals(stdout: string, maxWer = 0.25, reference = fileText): string[] {
    expect(stdout).not.toMatch(CONTROL_CHARACTERS);
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(wordErrorRate(lines.join(' '), reference)).toBeLessThanOrEqual(maxWer);
    return lines;
  }

  test('a WAV file is paced at real time by default; finals printed one per line, nothing else when piped', async () => {
    const started = Date.now();
    const result = await runCli(['stream', '--url', server.url, wav]);
    const elapsedSec = (Date.now() - started) / 1000;
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(expectFinals(result.stdout)).toHaveLength(2); // two utterances
    // 5.7 s of audio sent at real time.
    expect(elapsedSec).toBeGreaterThanOrEqual(speech.samples.length / 16000 - 0.3);
  }, 60_000);

  test('raw PCM16 on stdin (-), with --timestamps and --speed', async () => {
    const started = Date.now();
    const result = await runCli(['stream', '-', '--url', server.url, '--timestamps', '--speed', '4'], { stdin: pcm16Bytes(speech.samples) });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = expectFinals(result.stdout.replace(/^\[[\d:.]+ --> [\d:.]+\] /gm, ''));
    expect(result.stdout).toMatch(/^\[00:00:0\d\.\d{3} --> 00:00:0\d\.\d{3}\] \S/);
    expect(lines).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(((speech.samples.length / 16000) * 1000) / 2 + 10_000);
    // The first utterance's final spans its speech (0.7–2.9 s in the fixture).
    const [start, end] = /^\[00:00:(\d+\.\d+) --> 00:00:(\d+\.\d+)\]/.exec(result.stdout)!.slice(1).map(Number);
    expect(start).toBeLessThan(speech.speech[0].startSample / 16000 + 0.3);
    expect(end).toBeGreaterThan(speech.speech[0].endSample / 16000 - 0.5);
  }, 60_000);

  test('a stereo 44.1 kHz WAV on stdin: the header is read and the channels mixed down', async () => {
    const stereo = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', wav, '-ac', '2', '-ar', '44100', '-c:a', 'pcm_s16le', '-f', 'wav', '-']);
    const result = await runCli(['stream', '-', '--url', server.url, '--no-realtime'], { stdin: stereo });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expectFinals(result.stdout);
  }, 60_000);

  test('an mp3 file is decoded (ffmpeg) and streamed as fast as accepted with --no-realtime', async () => {
    const started = Date.now();
    const mp3 = encodeWith(wav, 'mp3');
    const result = await runCli(['stream', mp3, '--url', server.url, '--no-realtime']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    // Against what the server makes of the mp3's own audio (the small model hears the codec's artifacts:
    // that is the eval's business). Sent faster than the server transcribes it, a frame refused while the
    // stream lags is lost, so a word more may differ.
    expectFinals(result.stdout, 0.4, await decodedTranscriptionText(server.url, mp3));
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);

  test('Ctrl-C (SIGINT) while stdin is open and silent: sending stops, the open utterance gets its final, exit 0', async () => {
    const child = spawn(process.execPath, [CLI, 'stream', '-', '--url', server.url, '--no-realtime'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    // The first utterance, cut mid-speech (2.2 s); stdin stays open, as a microphone's would.
    child.stdin.write(pcm16Bytes(speech.samples.subarray(0, Math.round(2.2 * 16000))));
    await sleep(3000);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(wordErrorRate(stdout, 'hello world the quick')).toBeLessThanOrEqual(0.5);
  }, 60_000);

  test('errors: no server → exit 3, a missing file → exit 3, a bad option value → exit 2', async () => {
    const refused = await runCli(['stream', wav, '--url', 'http://127.0.0.1:9']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toBe('error: cannot connect to http://127.0.0.1:9: ECONNREFUSED\n');
    const missing = await runCli(['stream', 'missing.wav', '--url', server.url]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe('error: missing.wav: file not found\n');
    const usage = await runCli(['stream', '-', '--sample-rate', '1000']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--sample-rate.*8000 to 48000/);
  });

  test('a server with API keys: refused without one (exit 1, the status named), streamed with --api-key', async () => {
    const keyed = await startTestServer({ API_KEYS: 'stream-key' });
    try {
      const refused = await runCli(['stream', '-', '--url', keyed.url], { stdin: pcm16Bytes(speech.samples.subarray(0, 16000)) });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^error: the server refused the stream: HTTP 401/);
      const ok = await runCli(['stream', '-', '--url', keyed.url, '--api-key', 'stream-key', '--speed', '4'], { stdin: pcm16Bytes(speech.samples) });
      expect(ok.code).toBe(0);
      expectFinals(ok.stdout);
    } finally {
      await keyed.close();
    }
  }, 90_000);
});
