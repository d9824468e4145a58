import path from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/main';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { wordErrorRate } from './helpers/audio';
import { ensureBuilt } from './helpers/cli';
import { fileTranscriptionText } from './helpers/file-transcription';
import { REPO_ROOT, startTestServer, type TestServer } from './helpers/test-server';
import { fakeStream, screen } from '../fixtures/fake-terminal';

/** The commands' terminal behaviour, run in-process with fake terminals against a real server. */
describe('CLI on a terminal', () => {
  const wav = path.join(REPO_ROOT, 'tests', 'fixtures', 'speech-two-utterances.wav');
  let server: TestServer;
  /** What the server itself makes of the fixture (the text the commands must show; the model's accuracy is the eval's business). */
  let fileText: string;

  beforeAll(async () => {
    ensureBuilt(); // the inference workers run from dist/
    server = await startTestServer();
    fileText = await fileTranscriptionText(server.url, loadSpeechFixture().samples);
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
    expect(fileText.split(' ').length).toBeGreaterThanOrEqual(8);
    expect(stdout.written).toBe(`${fileText}\n`);
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
    // One line per utterance ("hello world the quick brown fox" / "testing one two three"), plain words.
    expect(lines[0].split(' ').length).toBeGreaterThanOrEqual(4);
    expect(lines[1].split(' ').length).toBeGreaterThanOrEqual(3);
    for (const line of lines.slice(0, 2)) expect(line).toMatch(/^[a-z']+( [a-z']+)*$/);
    expect(wordErrorRate(fileText, `${lines[0]} ${lines[1]}`)).toBeLessThanOrEqual(0.2);
    expect(lines[2]).toBe('');
  }, 60_000);
});
