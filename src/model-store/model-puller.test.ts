import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArchiveServer, buildTarBz2, fakeNemoCtcArchiveEntries } from '../../tests/fixtures/model-archive-server';
import { ApiError } from '../errors';
import { ModelCatalog, type CatalogEntry } from './model-catalog';
import { ModelPuller } from './model-puller';

/** Pulls from a local HTTP server (never the internet) into a temporary models folder. */
describe('ModelPuller', () => {
  const NAME = 'sherpa-onnx-nemo-ctc-test-int8';
  let server: ArchiveServer;
  let archive: Buffer;
  let modelsDir: string;

  beforeAll(async () => {
    archive = await buildTarBz2(fakeNemoCtcArchiveEntries(NAME));
    server = await ArchiveServer.start({ [`/asr-models/${NAME}.tar.bz2`]: archive });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    modelsDir = mkdtempSync(path.join(tmpdir(), 'models-'));
    server.requests.length = 0;
    server.dropAfterBytes = undefined;
  });
  afterEach(() => rmSync(modelsDir, { recursive: true, force: true }));

  const entry = (overrides: Partial<CatalogEntry> = {}): CatalogEntry => ({
    name: NAME,
    url: `${server.url}/asr-models/${NAME}.tar.bz2`,
    layout: 'nemo-ctc',
    languages: ['en'],
    ...overrides,
  });
  const puller = (entries: CatalogEntry[] = [entry()], mirrorUrl = '') =>
    new ModelPuller({ modelsDir, catalog: new ModelCatalog(entries), mirrorUrl, download: { attempts: 3, retryDelayMs: 10 } });
  /** What is left in the models folder besides installed models: nothing (no .partial, no temporary folder). */
  const leftovers = () => readdirSync(modelsDir).filter((f) => f !== NAME);
  const apiError = async (p: Promise<unknown>): Promise<ApiError> => {
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  };

  test('by catalog name: downloads, unpacks the archive folder, installs it as a NeMo CTC model; a second pull downloads nothing', async () => {
    const stages: string[] = [];
    let lastProgress: [number, number | undefined] = [0, undefined];
    const model = await puller().pull(NAME, { onStage: (s) => stages.push(s), onProgress: (r, t) => (lastProgress = [r, t]) });
    expect(model).toMatchObject({ id: NAME, dir: path.join(modelsDir, NAME), alreadyInstalled: false, layout: { kind: 'nemo-ctc' } });
    expect(readdirSync(model.dir).sort()).toEqual(['README.md', 'model.int8.onnx', 'tokens.txt']);
    expect(stages).toEqual(['download', 'extract']);
    expect(lastProgress).toEqual([archive.length, archive.length]);
    expect(leftovers()).toEqual([]);
    expect(server.requests).toEqual([{ path: `/asr-models/${NAME}.tar.bz2`, range: undefined, status: 200 }]);

    const again = await puller().pull(NAME);
    expect(again.alreadyInstalled).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  test('a catalog model of several languages gets them in languages.txt, and its layout lists them', async () => {
    const model = await puller([entry({ languages: ['de', 'en', 'fr'] })]).pull(NAME);
    expect(readdirSync(model.dir).sort()).toEqual(['README.md', 'languages.txt', 'model.int8.onnx', 'tokens.txt']);
    expect(model.layout.languages).toEqual(['de', 'en', 'fr']);
  });

  test('by URL (any archive in the release layout, not in the catalog)', async () => {
    const model = await puller([]).pull(`${server.url}/asr-models/${NAME}.tar.bz2`);
    expect(model).toMatchObject({ id: NAME, alreadyInstalled: false, layout: { kind: 'nemo-ctc' } });
  });

  test('an interrupted download resumes with a Range request from the bytes kept in NAME.tar.bz2.partial', async () => {
    server.dropAfterBytes = 200_000;
    const model = await puller().pull(NAME);
    expect(model.alreadyInstalled).toBe(false);
    expect(server.requests.map((r) => [r.range, r.status])).toEqual([
      [undefined, 200],
      [expect.stringMatching(/^bytes=\d+-$/), 206],
    ]);
    const resumedAt = Number(/\d+/.exec(server.requests[1].range!)![0]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(200_000);
    expect(leftovers()).toEqual([]);
  });

  test('a download that keeps failing is a 502 that keeps the partial file for the next pull to resume', async () => {
    server.dropAfterBytes = 100_000;
    server.dropTimes = 5;
    try {
      const err = await apiError(puller().pull(NAME));
      expect(err).toMatchObject({ status: 502, code: 'model_download_failed' });
      expect(err.message).toMatch(/failed after 3 attempts/);
      expect(existsSync(path.join(modelsDir, NAME))).toBe(false);
      expect(leftovers()).toEqual([`${NAME}.tar.bz2.partial`]);
      server.dropAfterBytes = undefined;
      server.requests.length = 0;
      await puller().pull(NAME);
      expect(server.requests[0].range).toMatch(/^bytes=[1-9]\d*-$/);
      expect(leftovers()).toEqual([]);
    } finally {
      server.dropTimes = 1;
    }
  });

  test('the catalog SHA-256: a match installs, a mismatch is a 502 that installs nothing and deletes the download', async () => {
    const good = createHash('sha256').update(archive).digest('hex');
    expect((await puller([entry({ sha256: good })]).pull(NAME)).alreadyInstalled).toBe(false);
    rmSync(path.join(modelsDir, NAME), { recursive: true });
    const err = await apiError(puller([entry({ sha256: '0'.repeat(64) })]).pull(NAME));
    expect(err).toMatchObject({ status: 502, code: 'model_checksum_mismatch' });
    expect(readdirSync(modelsDir)).toEqual([]);
  });

  test('a truncated bzip2 stream is refused: nothing installed, nothing left behind', async () => {
    server.files.set('/cut.tar.bz2', archive.subarray(0, Math.floor(archive.length / 2)));
    const err = await apiError(puller([]).pull(`${server.url}/cut.tar.bz2`));
    expect(err).toMatchObject({ status: 502, code: 'model_archive_invalid' });
    expect(err.message).toMatch(/corrupt or incomplete/);
    expect(readdirSync(modelsDir)).toEqual([]);
  });

  test.each([
    ['a ../ entry', [{ name: 'evil/../../escaped.txt', body: Buffer.from('x') }]],
    ['an absolute entry', [{ name: '/tmp/escaped.txt', body: Buffer.from('x') }]],
    ['a link out of the tree', [{ name: 'm/', type: 'directory' as const }, { name: 'm/tokens.txt', type: 'symlink' as const, linkname: '/etc/passwd' }]],
    ['a relative link out of the tree', [{ name: 'm/', type: 'directory' as const }, { name: 'm/up', type: 'symlink' as const, linkname: '../..' }, { name: 'm/up/escaped.txt', body: Buffer.from('x') }]],
    ['a chain of links that leaves the tree', [
      { name: 'm/', type: 'directory' as const },
      { name: 'm/here', type: 'symlink' as const, linkname: '.' },
      { name: 'm/x', type: 'symlink' as const, linkname: 'here/sub/../../..' },
    ]],
    ['a hard link', [{ name: 'm/', type: 'directory' as const }, { name: 'm/h', type: 'link' as const, linkname: '/etc/passwd' }]],
  ])('an archive with %s is refused and nothing is written outside or installed', async (_what, entries) => {
    server.files.set('/evil.tar.bz2', await buildTarBz2(entries));
    const outside = path.dirname(modelsDir);
    const before = readdirSync(outside).filter((f) => f.includes('escaped'));
    const err = await apiError(puller([]).pull(`${server.url}/evil.tar.bz2`));
    expect(err).toMatchObject({ status: 502, code: 'model_archive_invalid' });
    expect(err.message).toMatch(/outside the model folder|hard|link/);
    expect(readdirSync(modelsDir)).toEqual([]);
    expect(readdirSync(outside).filter((f) => f.includes('escaped'))).toEqual(before);
  });

  test('MODEL_MIRROR_URL: the archive file name is fetched from the mirror instead of the published URL', async () => {
    server.files.set(`/mirror/${NAME}.tar.bz2`, archive);
    const published = entry({ url: `https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/${NAME}.tar.bz2` });
    const model = await puller([published], `${server.url}/mirror/`).pull(NAME);
    expect(model.alreadyInstalled).toBe(false);
    expect(server.requests.map((r) => r.path)).toEqual([`/mirror/${NAME}.tar.bz2`]);
  });

  test('concurrent pulls of one model share one download', async () => {
    const p = puller();
    const [a, b] = await Promise.all([p.pull(NAME), p.pull(NAME)]);
    expect(a).toBe(b);
    expect(server.requests).toHaveLength(1);
  });

  test('a pull running in another process (its lock names a live pid) is a 409; a stale lock is taken over', async () => {
    const lock = path.join(modelsDir, `${NAME}.tar.bz2.partial.lock`);
    writeFileSync(lock, String(process.ppid));
    expect(await apiError(puller().pull(NAME))).toMatchObject({ status: 409, code: 'model_pull_in_progress' });
    expect(server.requests).toHaveLength(0);
    writeFileSync(lock, '4194303');
    // What the killed pull was unpacking is cleared too.
    mkdirSync(path.join(modelsDir, `.pull-${NAME}-dead`, 'unpacked'), { recursive: true });
    expect((await puller().pull(NAME)).alreadyInstalled).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  test('unknown names are a 404 listing the catalog; a missing archive is a 502; a layout this build cannot load is a 422', async () => {
    expect(await apiError(puller().pull('no-such-model'))).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    const missing = await apiError(puller([]).pull(`${server.url}/nothing-here.tar.bz2`));
    expect(missing).toMatchObject({ status: 502, code: 'model_download_failed' });
    expect(missing.message).toMatch(/HTTP 404/);
    const wrong = await apiError(puller([entry({ layout: 'whisper' })]).pull(NAME));
    expect(wrong).toMatchObject({ status: 422, code: 'unsupported_model_layout' });
    expect(wrong.message).toMatch(/is a whisper model, which this build cannot load/);
    expect(readdirSync(modelsDir)).toEqual([]);
    expect(await apiError(puller([]).pull(`${server.url}/not-an-archive.zip`))).toMatchObject({ status: 400, code: 'invalid_model_url' });
  });
});
