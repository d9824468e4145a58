import { writeFileSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RESPONSE_FORMATS } from '../../src/http/response-formats';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { encodeWith, wordErrorRate } from './helpers/audio';
import { CONTROL_CHARACTERS, ensureBuilt, runCli } from './helpers/cli';
import { decodedTranscriptionText, fileTranscriptionText } from './helpers/file-transcription';
import { REPO_ROOT, startTestServer, type TestServer } from './helpers/test-server';

/**
 * `onnx-stt-server transcribe` as a user runs it: the built bin as a child process with piped output, the
 * engine in that process (the repository's models) or a real server on a free port (`--url`).
 */
describe('CLI transcribe', () => {
  const wav = path.join(REPO_ROOT, 'tests', 'fixtures', 'speech-two-utterances.wav');
  let mp3: string;
  let server: TestServer;
  let keyServer: TestServer;
  /** What the server's default model makes of the fixture (an upload through the OpenAI SDK): the CLI's output
   * is checked against it, so the checks are about the CLI, not about how well the model hears the TTS voice. */
  let serverText: string;
  let mp3Text: string;

  beforeAll(async () => {
    ensureBuilt();
    mp3 = encodeWith(wav, 'mp3');
    [server, keyServer] = await Promise.all([startTestServer(), startTestServer({ API_KEYS: 'cli-test-key' })]);
    serverText = await fileTranscriptionText(server.url, loadSpeechFixture().samples);
    expect(serverText.split(' ').length).toBeGreaterThanOrEqual(6);
    mp3Text = await decodedTranscriptionText(server.url, mp3);
    expect(wordErrorRate(serverText, mp3Text)).toBeLessThanOrEqual(0.5);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([server?.close(), keyServer?.close()]);
  });

  /** What each output must hold: the words the server hears in the fixture, in the format's shape. */
  function expectShape(format: string, out: string): void {
    const documents = format.includes('json') ? out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : [];
    switch (format) {
      case 'text':
        expect(out.split('==> ').length).toBe(3); // a header before each of the two files
        break;
      case 'srt':
        expect(out).toMatch(/^==> .*\n1\n00:00:0\d,\d{3} --> 00:00:0\d,\d{3}\n/);
        break;
      case 'vtt':
        expect(out).toMatch(/^==> .*\nWEBVTT\n\n00:00:0\d\.\d{3} --> /);
        break;
      case 'json':
        expect(documents).toHaveLength(2);
        expect(documents[0].usage).toEqual({ type: 'duration', seconds: 6 });
        break;
      case 'verbose_json':
        expect(documents).toHaveLength(2);
        expect(Array.isArray(documents[0].words)).toBe(true);
        expect(Array.isArray(documents[0].segments)).toBe(true);
        break;
      case 'diarized_json':
        expect(documents).toHaveLength(2);
        expect((documents[0].segments as { speaker: string }[])[0].speaker).toBe('A');
        break;
    }
    // Each file's words: the JSON `text`, or a file's section of a text format without its cue numbers and times.
    const sections = out.split(/^==> .* <==\n/m).filter((t) => t.trim());
    const texts = documents.length ? documents.map((d) => String(d.text)) : sections.map((t) => t.replace(/^WEBVTT$|^\d+$|^[\d:.,]+ --> [\d:.,]+$/gm, ' '));
    expect(texts).toHaveLength(2);
    // The WAV's text is what the server made of the WAV; the mp3's, what it makes of the mp3's decoded audio.
    expect(wordErrorRate(serverText, texts[0])).toBeLessThanOrEqual(0.1);
    expect(wordErrorRate(mp3Text, texts[1])).toBeLessThanOrEqual(0.1);
  }

  test.each([...RESPONSE_FORMATS])('%s of a WAV and an mp3: the same document in-process and over HTTP', async (format) => {
    const args = ['transcribe', '--response-format', format, '--timestamp-granularities', 'word,segment', wav, mp3];
    const [local, remote] = await Promise.all([runCli(args, { timeoutMs: 120_000 }), runCli([...args, '--url', server.url])]);
    expect(local).toMatchObject({ code: 0, stderr: '' });
    expect(remote).toMatchObject({ code: 0, stderr: '' });
    // One engine behind both (the service's file session): the same documents, byte for byte.
    expect(local.stdout).toBe(remote.stdout);
    // Piped output is plain: no progress bar, no escape sequences.
    expect(local.stdout + local.stderr + remote.stdout + remote.stderr).not.toMatch(CONTROL_CHARACTERS);
    expectShape(format, local.stdout);
    expectShape(format, remote.stdout);
  }, 180_000);

  test('one file in text format is just its transcript; --model and --prompt are passed on', async () => {
    const result = await runCli(['transcribe', '--url', server.url, '--model', 'icefall-transducer-en-conv-small', '--prompt', 'quick brown fox', '--language', 'en', wav]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(wordErrorRate(result.stdout, 'hello world the quick brown fox testing one two three')).toBeLessThanOrEqual(0.3);
  });

  test('a missing file: exit 3 and its name; the other files are still transcribed', async () => {
    const result = await runCli(['transcribe', '--url', server.url, 'no-such-file.wav', wav]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('error: no-such-file.wav: file not found\n');
    expect(result.stdout).toMatch(/==> .*speech-two-utterances\.wav <==\n.*three\n$/);
  });

  test('an unreachable server: exit 3; a --url that is not a URL: exit 2', async () => {
    // A port that was just free: nothing listens there.
    const probe = http.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => probe.once('listening', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const refused = await runCli(['transcribe', '--url', `http://127.0.0.1:${port}`, wav]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toBe(`error: cannot connect to http://127.0.0.1:${port}: ECONNREFUSED\n`);
    const bad = await runCli(['transcribe', '--url', 'not a url', wav]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not a URL/);
  });

  test("the server's error message, not a stack: unknown model (404), not audio (415), exit 1", async () => {
    const unknown = await runCli(['transcribe', '--url', server.url, '--model', 'no-such-model', wav]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: .*speech-two-utterances\.wav: The model 'no-such-model' does not exist\. Available models: .* \(HTTP 404, model_not_found\)\n$/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    const notAudio = path.join(dir, 'notes.txt');
    writeFileSync(notAudio, 'hello');
    const refused = await runCli(['transcribe', '--url', server.url, notAudio]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/notes\.txt: Unsupported file format\. .*\(HTTP 415, unsupported_media_type\)\n$/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });

  test('the in-process engine reports a decode error with its message and exit 1', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    const broken = path.join(dir, 'broken.wav');
    writeFileSync(broken, Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt garbage', 'latin1'));
    const result = await runCli(['transcribe', broken], { timeoutMs: 120_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*broken\.wav: .+\n$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  test('API keys: --api-key or STT_API_KEY is sent as a Bearer token; without one the 401 message, exit 1', async () => {
    const without = await runCli(['transcribe', '--url', keyServer.url, wav]);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/\(HTTP 401, invalid_api_key\)\n$/);
    const flag = await runCli(['transcribe', '--url', keyServer.url, '--api-key', 'cli-test-key', wav]);
    expect(flag.code).toBe(0);
    const env = await runCli(['transcribe', '--url', keyServer.url, wav], { env: { STT_API_KEY: 'cli-test-key' } });
    expect(env.code).toBe(0);
    expect(env.stdout).toBe(flag.stdout);
  });

  test('usage errors exit 2: an unknown format, no file, an unknown option', async () => {
    for (const args of [['transcribe', '--response-format', 'docx', wav], ['transcribe'], ['transcribe', '--frobnicate', wav], ['frobnicate']]) {
      const result = await runCli(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: /);
    }
  });

  test('--help documents the exit codes', async () => {
    const result = await runCli(['transcribe', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Exit codes:\n\s+0 +success\n\s+1 .*\n\s+2 .*usage.*\n\s+3 .*connect/);
  });
});
