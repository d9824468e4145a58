import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, realpath, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract as tarExtract, type Header } from 'tar-stream';
import { decompressBzip2, type Bzip2Decoder } from './bzip2-decompressor';

/** An archive that is corrupt or tries to write outside its folder: nothing of it may be installed. */
export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

export interface ExtractResult {
  /** Regular files written. */
  files: number;
  /** Bytes of regular files written. */
  bytes: number;
}

/** True when `target` is `root` or inside it (both absolute and normalized). */
function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Unpacks a `.tar.bz2` into `destDir` (which must exist), refusing what could escape it: absolute names,
 * `..` segments, links whose target resolves outside the tree, hard links and device/FIFO entries. Each
 * entry's parent folder is resolved on disk before writing, so a link inside the tree cannot redirect a later
 * entry out of it. A truncated or corrupt bzip2 stream (block CRCs) rejects with ArchiveError; whatever was
 * written is left for the caller to remove (it unpacks into a temporary folder).
 */
export async function extractTarBz2(archivePath: string, destDir: string, decoder: Bzip2Decoder = 'native'): Promise<ExtractResult> {
  const root = await realpath(destDir);
  const result: ExtractResult = { files: 0, bytes: 0 };
  const extract = tarExtract();
  const work = (async () => {
    for await (const entry of extract) {
      await writeEntry(root, entry.header, entry as unknown as Readable, result);
    }
  })();
  const bz = await decompressBzip2(archivePath, decoder);
  try {
    await Promise.all([pipeline(bz.output, extract), work, bz.done]);
  } catch (err) {
    bz.abort();
    extract.destroy();
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError(`the archive is corrupt or incomplete (${describe(err)})`);
  }
  await checkLinks(root);
  return result;
}

/** unbzip2-stream reports a truncated stream as a TypeError from deep inside, bzip2 by its exit; name them. */
function describe(err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  if (/crc/i.test(message)) return `bzip2 checksum mismatch: ${message}`;
  if (err instanceof TypeError || /unexpected end|premature/i.test(message)) return `bzip2/tar stream ended early: ${message}`;
  return message;
}

async function writeEntry(root: string, header: Header, body: Readable, result: ExtractResult): Promise<void> {
  const name = header.name;
  const parts = name.split(/[\\/]+/).filter((p: string) => p !== '' && p !== '.');
  if (path.isAbsolute(name) || /^[A-Za-z]:/.test(name) || parts.includes('..')) {
    body.resume();
    throw new ArchiveError(`the archive entry ${JSON.stringify(name)} points outside the model folder`);
  }
  if (parts.length === 0) {
    body.resume();
    return;
  }
  const target = path.join(root, ...parts);
  const parent = await ensureInsideDir(root, path.dirname(target), name);
  const resolved = path.join(parent, path.basename(target));
  switch (header.type) {
    case 'directory':
      body.resume();
      await ensureInsideDir(root, resolved, name);
      return;
    case 'file':
    case 'contiguous-file': {
      const counted = { bytes: 0 };
      body.on('data', (chunk: Buffer) => (counted.bytes += chunk.length));
      await pipeline(body, createWriteStream(resolved, { flags: 'wx', mode: 0o644 }));
      result.files++;
      result.bytes += counted.bytes;
      return;
    }
    case 'symlink': {
      body.resume();
      const linkTarget = header.linkname ?? '';
      if (path.isAbsolute(linkTarget) || !isInside(root, path.resolve(parent, linkTarget))) {
        throw new ArchiveError(`the archive's link ${JSON.stringify(name)} -> ${JSON.stringify(linkTarget)} points outside the model folder`);
      }
      await symlink(linkTarget, resolved);
      return;
    }
    default:
      body.resume();
      throw new ArchiveError(`the archive entry ${JSON.stringify(name)} is a ${header.type} entry; a model archive holds only files, folders and links inside itself`);
  }
}

/**
 * Creates `dir` one component at a time from `root`, resolving each on disk before going deeper, so nothing
 * is ever created through a link that leaves the tree. Returns its real path.
 */
async function ensureInsideDir(root: string, dir: string, name: string): Promise<string> {
  let current = root;
  for (const part of path.relative(root, dir).split(path.sep).filter(Boolean)) {
    const next = path.join(current, part);
    try {
      await lstat(next);
    } catch {
      await mkdir(next);
    }
    current = await realpath(next);
    if (!isInside(root, current)) throw new ArchiveError(`the archive entry ${JSON.stringify(name)} would be written outside the model folder (through a link)`);
  }
  return current;
}

/** After unpacking: every link in the tree must resolve inside it (a chain of links can defeat a check by name). */
async function checkLinks(root: string, dir: string = root): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) {
      let real: string;
      try {
        real = await realpath(full);
      } catch {
        throw new ArchiveError(`the archive's link ${path.relative(root, full)} points nowhere`);
      }
      if (!isInside(root, real)) throw new ArchiveError(`the archive's link ${path.relative(root, full)} points outside the model folder`);
    } else if (entry.isDirectory()) {
      await checkLinks(root, full);
    }
  }
}
