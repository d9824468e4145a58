import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import unbzip2 from 'unbzip2-stream';

/** Which bzip2 decoder unpacks archives: the system's `bzip2` (about twice as fast) or the JavaScript one. */
export type Bzip2Decoder = 'native' | 'js';

/** A decompressed stream of a `.bz2` file; `done` settles when the decoder has finished (rejects on corrupt input). */
export interface Bzip2Stream {
  output: Readable;
  done: Promise<void>;
  decoder: Bzip2Decoder;
  /** Stops decoding (the reader failed). */
  abort(): void;
}

let nativeAvailable: Promise<boolean> | undefined;

/** Whether `bzip2` runs here (checked once). */
export function nativeBzip2Available(): Promise<boolean> {
  nativeAvailable ??= new Promise<boolean>((resolve) => {
    const child = spawn('bzip2', ['--help'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
  return nativeAvailable;
}

/**
 * Decompresses `archivePath` with the system's `bzip2 -dc` when it is installed (Debian's `bzip2` package;
 * about twice as fast as JavaScript, `npm run bench:extract`), else with
 * unbzip2-stream. Either way a truncated or corrupt stream makes `done` (or the output) fail.
 */
export async function decompressBzip2(archivePath: string, prefer: Bzip2Decoder = 'native'): Promise<Bzip2Stream> {
  if (prefer === 'native' && (await nativeBzip2Available())) {
    const child = spawn('bzip2', ['-dc', '--', archivePath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 2048) stderr += d.toString('utf8');
    });
    const done = new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(new Error(`bzip2 ${signal ? `killed by ${signal}` : `exited with ${code}`}: ${stderr.trim().split('\n').pop() ?? ''}`));
      });
    });
    return { output: child.stdout, done, decoder: 'native', abort: () => child.kill('SIGKILL') };
  }
  const input = createReadStream(archivePath);
  const output = input.pipe(unbzip2());
  const done = new Promise<void>((resolve, reject) => {
    output.once('end', resolve);
    output.once('error', reject);
    input.once('error', reject);
  });
  return { output, done, decoder: 'js', abort: () => input.destroy() };
}
