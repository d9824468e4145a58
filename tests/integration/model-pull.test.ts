import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { ArchiveServer, buildTarBz2, nemoCtcArchiveEntries } from '../fixtures/model-archive-server';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { wavBytes } from './helpers/audio';
import { CLI, ensureBuilt, runCli } from './helpers/cli';
import { followServerLog } from '../../scripts/bench/server-log';
import { MAIN, spawnServerProcess } from './helpers/server-process';
import { MODELS_DIR, REPO_ROOT, startTestServer, type TestServer } from './helpers/test-server';
import { sleep } from './helpers/ws-client';

/**
 * Pulling models end to end, from a local HTTP server (never the internet): the CLI as a child process,
 * MODELS_PULL at startup, and POST /v1/models/{id} on a running server followed by the official SDK.
 * The archive is built here in sherpa-onnx's release layout from the committed small NeMo CTC model, under a
 * catalog name (served from MODEL_MIRROR_URL, so the catalog's GitHub URL is never fetched).
 */
describe('models pull', () => {
  const NAME = 'sherpa-onnx-nemo-ctc-en-conformer-small';
  let archives: ArchiveServer;
  let mirror: string;
  const tmpDirs: string[] = [];
  const tmpModelsDir = (withBaseModel = false) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pull-models-'));
    tmpDirs.push(dir);
    if (withBaseModel) {
      mkdirSync(path.join(dir, 'base-model'));
      for (const f of ['model.int8.onnx', 'tokens.txt']) copyFileSync(path.join(MODELS_DIR, 'nemo-ctc-en-conv-small', f), path.join(dir, 'base-model', f));
    }
    return dir;
  };

  beforeAll(async () => {
    ensureBuilt();
    archives = await ArchiveServer.start({ [`/mirror/${NAME}.tar.bz2`]: await buildTarBz2(nemoCtcArchiveEntries(NAME)) });
    mirror = `${archives.url}/mirror`;
  }, 180_000);
  afterAll(async () => {
    await archives.close();
    for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
  });
  beforeEach(() => {
    archives.requests.length = 0;
  });

  test('CLI: `models pull NAME` installs from MODEL_MIRROR_URL, resuming a dropped download; `models` lists it; unknown names exit 2', async () => {
    const dir = tmpModelsDir();
    archives.dropAfterBytes = 1_000_000;
    try {
      const pulled = await runCli(['models', 'pull', NAME, '--models-dir', dir], { env: { MODEL_MIRROR_URL: mirror }, timeoutMs: 120_000 });
      expect(pulled).toMatchObject({ code: 0, stderr: '' });
      expect(pulled.stdout).toBe(`installed ${NAME} in ${path.join(dir, NAME)} (nemo-ctc)\n`);
    } finally {
      archives.dropAfterBytes = undefined;
    }
    expect(archives.requests.map((r) => [r.path, r.status])).toEqual([
      [`/mirror/${NAME}.tar.bz2`, 200],
      [`/mirror/${NAME}.tar.bz2`, 206],
    ]);
    expect(archives.requests[1].range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(readdirSync(dir)).toEqual([NAME]);

    const listed = await runCli(['models', '--json', '--models-dir', dir]);
    expect((JSON.parse(listed.stdout) as { id: string; kind: string }[]).filter((m) => !m.kind.startsWith('alias'))).toEqual([expect.objectContaining({ id: NAME, kind: 'nemo-ctc' })]);

    const again = await runCli(['models', 'pull', NAME, '--models-dir', dir], { env: { MODEL_MIRROR_URL: mirror } });
    expect(again).toMatchObject({ code: 0, stdout: `${NAME} is already installed in ${path.join(dir, NAME)} (nemo-ctc)\n` });
    expect(archives.requests).toHaveLength(2);

    const unknown = await runCli(['models', 'pull', 'no-such-model', '--models-dir', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: The model 'no-such-model' is not in the catalog\. Models that can be pulled: .*sherpa-onnx-nemo-parakeet-tdt-0\.6b-v2-int8/);
    const unreachable = await runCli(['models', 'pull', `${archives.url}/missing/x-model.tar.bz2`, '--models-dir', dir]);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/^error: Downloading x-model from .* failed: .*HTTP 404/);
    expect(readdirSync(dir)).toEqual([NAME]);
  }, 180_000);

  test('MODELS_PULL: the server pulls the model before scanning MODELS_DIR and serves it', async () => {
    const dir = tmpModelsDir();
    const server = await spawnServerProcess([CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--models-dir', dir], { MODELS_PULL: NAME, MODEL_MIRROR_URL: mirror });
    try {
      const { url } = server;
      const messages = server.logs.map((entry) => String(entry.msg));
      const list = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
      expect(list.data.map((m) => m.id)).toContain(NAME);
      expect(messages.indexOf(`pulled model ${NAME}`)).toBeGreaterThanOrEqual(0);
      expect(messages.indexOf(`pulled model ${NAME}`)).toBeLessThan(messages.findIndex((m) => m.startsWith('loaded model')));
      expect(archives.requests.map((r) => r.path)).toEqual([`/mirror/${NAME}.tar.bz2`]);
    } finally {
      server.proc.kill('SIGTERM');
    }
    expect((await server.exited).code).toBe(0);
  }, 180_000);

  test('MODELS_PULL: while the model downloads the port answers, alive on /health and not ready elsewhere; then it serves', async () => {
    let release!: () => void;
    archives.holdUntil = new Promise<void>((resolve) => (release = resolve));
    const proc = spawn(process.execPath, [MAIN], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', MODELS_DIR: tmpModelsDir(), INFERENCE_WORKERS: '1', LOG_LEVEL: 'info', MODELS_PULL: NAME, MODEL_MIRROR_URL: mirror },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    const { logs, ready } = followServerLog(proc, exited);
    ready.catch(() => undefined);
    try {
      let preparing: Record<string, unknown> | undefined;
      for (let i = 0; i < 300 && !preparing; i++) {
        preparing = logs.find((entry) => String(entry.msg).includes('not ready: pulling models'));
        if (!preparing) await sleep(100);
      }
      const url = String(preparing?.url);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // The mirror holds its answer, so the pull cannot be done yet: the process answers, a liveness probe
      // keeps it, readiness and work wait.
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'pulling' });
      const notReady = await fetch(`${url}/ready`);
      expect(notReady.status).toBe(503);
      expect(notReady.headers.get('retry-after')).toBe('5');
      expect(await notReady.json()).toMatchObject({ error: { code: 'not_ready', type: 'service_unavailable_error' } });
      const upload = await fetch(`${url}/v1/audio/transcriptions`, { method: 'POST', body: new Uint8Array(10) });
      expect(upload.status).toBe(503);
      expect(((await upload.json()) as { error: { code: string } }).error.code).toBe('not_ready');
      release();
      const port = await ready;
      expect(`http://127.0.0.1:${port}`).toBe(url); // the same port, handed over
      expect((await fetch(`${url}/ready`)).status).toBe(200);
      const list = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
      expect(list.data.map((m) => m.id)).toContain(NAME);
      expect(archives.requests.map((r) => r.path)).toEqual([`/mirror/${NAME}.tar.bz2`]);
    } finally {
      release();
      archives.holdUntil = undefined;
      proc.kill('SIGTERM');
      await exited;
    }
  }, 180_000);

  describe('POST /v1/models/{id} on a running server', () => {
    let server: TestServer;
    let client: OpenAI;
    const KEY = 'sk-test-pull';
    const speech = loadSpeechFixture();
    const wav = wavBytes(speech.samples, speech.sampleRateHz);
    const post = (id: string, key: string | null = KEY) => fetch(`${server.url}/v1/models/${encodeURIComponent(id)}`, { method: 'POST', headers: key ? { authorization: `Bearer ${key}` } : {} });

    beforeAll(async () => {
      server = await startTestServer({ MODELS_DIR: tmpModelsDir(true), API_KEYS: KEY, MODEL_MIRROR_URL: mirror });
      client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: KEY, maxRetries: 0 });
    }, 120_000);
    afterAll(() => server?.close());

    test('needs an API key; unknown names are 404 and failed downloads 502 in OpenAI\'s error shape', async () => {
      const anonymous = await post(NAME, null);
      expect(anonymous.status).toBe(401);
      const unknown = await post('no-such-model');
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ error: { message: expect.stringMatching(/not in the catalog/), type: 'not_found_error', param: 'model', code: 'model_not_found' } });
      const missing = await post('sherpa-onnx-moonshine-tiny-en-int8');
      expect(missing.status).toBe(502);
      expect(await missing.json()).toEqual({ error: { message: expect.stringMatching(/^Downloading sherpa-onnx-moonshine-tiny-en-int8 from .* failed: .*HTTP 404/), type: 'server_error', param: null, code: 'model_download_failed' } });
      const byUrl = await post(`${archives.url}/mirror/${NAME}.tar.bz2`);
      expect(byUrl.status).toBe(400);
      expect(((await byUrl.json()) as { error: { code: string } }).error.code).toBe('invalid_model_id');
      expect(archives.requests.map((r) => r.path)).toEqual(['/mirror/sherpa-onnx-moonshine-tiny-en-int8.tar.bz2']);
      expect((await client.models.list()).data.map((m) => m.id)).not.toContain(NAME);
    });

    test('pulls the model (concurrent requests share one download), lists it and transcribes with it through the SDK', async () => {
      const [first, second] = await Promise.all([post(NAME), post(NAME)]);
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(await first.json()).toEqual({ id: NAME, object: 'model', created: expect.any(Number), owned_by: 'onnx-stt' });
      expect(archives.requests).toHaveLength(1);
      expect((await post(NAME)).status).toBe(200);
      expect(existsSync(path.join(server.services.config.modelsDir, NAME, 'model.int8.onnx'))).toBe(true);

      const ids = (await client.models.list()).data.map((m) => m.id);
      expect(ids).toEqual(expect.arrayContaining(['base-model', NAME]));
      expect((await client.models.retrieve(NAME)).id).toBe(NAME);

      const file = () => toFile(wav, 'speech.wav', { type: 'audio/wav' });
      const pulled = await client.audio.transcriptions.create({ file: await file(), model: NAME });
      const base = await client.audio.transcriptions.create({ file: await file(), model: 'base-model' });
      // The archive holds the same weights as base-model: the same pipeline must give the same words.
      expect(pulled.text.length).toBeGreaterThan(0);
      expect(pulled.text).toBe(base.text);
    }, 120_000);
  });

  test('a server without API keys refuses POST /v1/models/{id} (403) unless ALLOW_MODEL_PULL=true', async () => {
    const closed = await startTestServer({ MODELS_DIR: tmpModelsDir(true), MODEL_MIRROR_URL: mirror });
    try {
      const refused = await fetch(`${closed.url}/v1/models/${NAME}`, { method: 'POST' });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('model_pull_disabled');
      expect(archives.requests).toHaveLength(0);
    } finally {
      await closed.close();
    }
    const open = await startTestServer({ MODELS_DIR: tmpModelsDir(true), MODEL_MIRROR_URL: mirror, ALLOW_MODEL_PULL: 'true' });
    try {
      expect((await fetch(`${open.url}/v1/models/${NAME}`, { method: 'POST' })).status).toBe(201);
      const list = (await (await fetch(`${open.url}/v1/models`)).json()) as { data: { id: string }[] };
      expect(list.data.map((m) => m.id)).toContain(NAME);
    } finally {
      await open.close();
    }
  }, 180_000);
});
