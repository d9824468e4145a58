import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildTarBz2, fakeNemoCtcArchiveEntries } from '../../tests/fixtures/model-archive-server';
import { nativeBzip2Available } from './bzip2-decompressor';
import { ArchiveError, extractTarBz2 } from './tar-bz2-extract';

/** Both bzip2 decoders (the system's bzip2, which the tests' archive builder needs anyway, and JavaScript). */
describe.each(['native', 'js'] as const)('extractTarBz2 with the %s bzip2 decoder', (decoder) => {
  let work: string;
  let archive: string;
  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'extract-'));
    archive = path.join(work, 'm.tar.bz2');
    writeFileSync(archive, await buildTarBz2(fakeNemoCtcArchiveEntries('m', 300_000)));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('unpacks every file byte for byte', async () => {
    if (decoder === 'native') expect(await nativeBzip2Available()).toBe(true);
    const dest = path.join(work, `out-${decoder}`);
    mkdirSync(dest);
    const result = await extractTarBz2(archive, dest, decoder);
    expect(readdirSync(path.join(dest, 'm')).sort()).toEqual(['README.md', 'model.int8.onnx', 'tokens.txt']);
    expect(result.files).toBe(3);
    expect(readFileSync(path.join(dest, 'm', 'model.int8.onnx')).length).toBe(300_000);
  });

  test('a truncated archive is refused with ArchiveError', async () => {
    const cut = path.join(work, `cut-${decoder}.tar.bz2`);
    const bytes = readFileSync(archive);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const dest = path.join(work, `cut-out-${decoder}`);
    mkdirSync(dest);
    const err = await extractTarBz2(cut, dest, decoder).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as Error).message).toMatch(/corrupt or incomplete/);
  });
});
