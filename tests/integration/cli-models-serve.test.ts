import { CLI, ensureBuilt, runCli } from './helpers/cli';
import { spawnServerProcess } from './helpers/server-process';
import { MODELS_DIR } from './helpers/test-server';

/** `onnx-stt-server models` (the models folder, or a server's list) and `serve` (the real server process). */
describe('CLI models and serve', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  test('models: the embedded models and their aliases from MODELS_DIR, as a table and as JSON', async () => {
    const table = await runCli(['models']);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^MODEL\s+KIND\s+DEFAULT\s+LM$/);
    expect(lines).toContainEqual(expect.stringMatching(/^nemo-ctc-en-conv-small\s+nemo-ctc\s+yes\s+yes$/));
    expect(lines).toContainEqual(expect.stringMatching(/^icefall-transducer-en-conv-small\s+transducer\s+yes$/));
    expect(lines).toContainEqual(expect.stringMatching(/^whisper-1\s+alias → nemo-ctc-en-conv-small$/));
    expect(table.stdout).not.toMatch(/\x1b/);

    const json = await runCli(['models', '--json', '--models-dir', MODELS_DIR]);
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as { id: string; kind: string; isDefault: boolean }[];
    expect(rows.filter((r) => !r.kind.startsWith('alias')).map((r) => r.id)).toEqual(['icefall-transducer-en-conv-small', 'nemo-ctc-en-conv-small']);
    expect(rows.find((r) => r.isDefault)?.id).toBe('nemo-ctc-en-conv-small');

    const missing = await runCli(['models', '--models-dir', '/nonexistent-models']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^error: cannot list the models in \/nonexistent-models: models directory \/nonexistent-models does not exist\n$/);
  });

  test('serve runs the server (port 0 picks one); models --url lists what it serves; SIGTERM drains and exits 0', async () => {
    const server = await spawnServerProcess([CLI, 'serve', '--port', '0', '--host', '127.0.0.1']);
    try {
      const { url } = server;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const models = await runCli(['models', '--url', url]);
      expect(models.code).toBe(0);
      expect(models.stdout.trim().split('\n')).toEqual(['MODEL', 'icefall-transducer-en-conv-small', 'nemo-ctc-en-conv-small', expect.any(String), expect.any(String), expect.any(String), expect.any(String), expect.any(String), expect.any(String), expect.any(String)]);
      const json = JSON.parse((await runCli(['models', '--url', `${url}/v1/`, '--json'])).stdout) as { id: string }[];
      expect(json.map((m) => m.id)).toContain('whisper-1');
    } finally {
      server.proc.kill('SIGTERM');
    }
    expect((await server.exited).code).toBe(0);
  }, 90_000);
});
