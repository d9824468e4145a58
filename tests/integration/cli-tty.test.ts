import path from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/main';
import { ensureBuilt } from './helpers/cli';
import { REPO_ROOT, startTestServer, type TestServer } from './helpers/test-server';
import { fakeStream, screen } from '../fixtures/fake-terminal';

/** The commands' terminal behaviour, run in-process with fake terminals against a real server. */
describe('CLI on a terminal', () => {
  const wav = path.join(REPO_ROOT, 'tests', 'fixtures', 'speech-two-utterances.wav');
  let server: TestServer;

  beforeAll(async () => {
    ensureBuilt(); // the inference workers run from dist/
    server = await startTestServer();
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  test('transcribe --url: an upload bar on the stderr terminal, erased at the end; the transcript alone on stdout', async () => {
    const stdout = fakeStream(false);
    const stderr = fakeStream(true);
    const code = await runCli(['node', 'onnx-stt-server', 'transcribe', '--url', server.url, wav], { stdout, stderr, stdin: Readable.from([]), env: {} });
    expect(code).toBe(0);
    expect(stderr.written).toMatch(/uploading speech-two-utterances\.wav \[.*\] 100% \| 179\.\d KiB \/ 179\.\d KiB/);
    expect(stderr.written.endsWith('\x1b[2K')).toBe(true);
    expect(stdout.written).toMatch(/^hello world the quick brown \w+ testing one two three\n$/);
  });

  test('stream on a terminal: partials redrawn in place, finals left one per line', async () => {
    const stdout = fakeStream(true);
    const stderr = fakeStream(true);
    const code = await runCli(['node', 'onnx-stt-server', 'stream', '--url', server.url, '--speed', '2', wav], { stdout, stderr, stdin: Readable.from([]), env: {} });
    expect(code).toBe(0);
    expect(stderr.written).toBe('');
    // Several redraws of the open utterance before its final…
    expect(stdout.written.split('\r\x1b[2K').length).toBeGreaterThan(4);
    expect(stdout.written).toMatch(/\x1b\[2m\w/); // unstable words dimmed
    // …and what stays on the screen is the two finals.
    const lines = screen(stdout.written).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^hello world the quick brown \w+$/);
    expect(lines[1]).toMatch(/^testing one two \w+$/);
    expect(lines[2]).toBe('');
  }, 60_000);
});
