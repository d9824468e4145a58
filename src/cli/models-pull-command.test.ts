import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArchiveServer, buildTarBz2, fakeNemoCtcArchiveEntries } from '../../tests/fixtures/model-archive-server';
import { fakeStream } from '../../tests/fixtures/fake-terminal';
import { CliError, EXIT } from './exit-codes';
import { modelsPullCommand } from './models-pull-command';

/** `models pull` in-process, against a local archive server: the progress bar on a terminal, silence on a pipe. */
describe('models pull (command)', () => {
  const NAME = 'sherpa-onnx-cli-test-int8';
  let server: ArchiveServer;
  let dir: string;
  beforeAll(async () => {
    server = await ArchiveServer.start({ [`/${NAME}.tar.bz2`]: await buildTarBz2(fakeNemoCtcArchiveEntries(NAME, 1_000_000)) });
  });
  afterAll(() => server.close());
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'cli-pull-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (isTTY: boolean, progress = true) => {
    const io = { stdout: fakeStream(false), stderr: fakeStream(isTTY), env: {} as NodeJS.ProcessEnv };
    return { io, done: modelsPullCommand(`${server.url}/${NAME}.tar.bz2`, { modelsDir: dir, progress }, io) };
  };

  test('on a terminal: a progress bar of the download on stderr, then where the model went on stdout', async () => {
    const { io, done } = run(true);
    expect(await done).toBe(EXIT.ok);
    expect(io.stderr.written).toMatch(/downloading http:\/\/127\.0\.0\.1:\d+\/sherpa-onnx-cli-test-int8\.tar\.bz2 \[[^\]]*\] \d+% \| [\d.]+ [KM]iB \/ [\d.]+ [KM]iB/);
    expect(io.stderr.written).toMatch(/unpacking…/);
    expect(io.stdout.written).toBe(`installed ${NAME} in ${path.join(dir, NAME)} (nemo-ctc)\n`);
  });

  test('piped or --no-progress: nothing on stderr', async () => {
    for (const [isTTY, progress] of [[false, true], [true, false]] as const) {
      rmSync(dir, { recursive: true, force: true });
      const { io, done } = run(isTTY, progress);
      expect(await done).toBe(EXIT.ok);
      expect(io.stderr.written).toBe('');
      expect(io.stdout.written).toMatch(/^installed /);
    }
  });

  test('failures are one-line CliErrors with the documented exit codes', async () => {
    const io = { stdout: fakeStream(false), stderr: fakeStream(false), env: {} as NodeJS.ProcessEnv };
    const unknown = await modelsPullCommand('not-a-model', { modelsDir: dir, progress: false }, io).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(CliError);
    expect(unknown).toMatchObject({ exitCode: EXIT.usage });
    const missing = await modelsPullCommand(`${server.url}/gone.tar.bz2`, { modelsDir: dir, progress: false }, io).catch((e: unknown) => e);
    expect(missing).toMatchObject({ exitCode: EXIT.unavailable, message: expect.stringMatching(/HTTP 404/) });
  });
});
