import { open, stat, truncate } from 'node:fs/promises';

/** A download that could not be completed (the server refused, or the connection kept failing). */
export class DownloadError extends Error {
  override name = 'DownloadError';
}

export interface DownloadOptions {
  url: string;
  /** The partial file: appended to, and resumed from with a Range request when it already has bytes. */
  partialPath: string;
  /** Bytes on disk so far and the whole size (when the server says it), after every chunk. */
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
  /** Requests tried before giving up (each one resumes where the last stopped). Default 5. */
  attempts?: number;
  /** Wait between attempts, in ms (doubled each time). Default 500. */
  retryDelayMs?: number;
  /** An attempt that receives nothing for this long is dropped and resumed, in ms. Default 60 s. */
  idleTimeoutMs?: number;
}

export interface DownloadResult {
  /** Size of the finished file, in bytes. */
  bytes: number;
  /** Requests made (1 when nothing had to be resumed). */
  requests: number;
}

/**
 * Downloads `url` into `partialPath`, resuming an existing partial file with `Range: bytes=N-` (a server
 * that ignores the range and answers 200 is read from the start again). A connection dropped mid-body is
 * resumed up to `attempts` times; a 4xx answer is final. The file is complete when this resolves.
 */
export async function downloadResumable(options: DownloadOptions): Promise<DownloadResult> {
  const attempts = options.attempts ?? 5;
  let delayMs = options.retryDelayMs ?? 500;
  let lastError: Error | undefined;
  for (let request = 1; request <= attempts; request++) {
    try {
      const done = await attempt(options);
      if (done !== undefined) return { bytes: done, requests: request };
      lastError = new DownloadError('the connection closed before the whole file arrived');
    } catch (err) {
      if (err instanceof DownloadError && (err as DownloadError & { final?: boolean }).final) throw err;
      lastError = err as Error;
    }
    if (request < attempts) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs *= 2;
    }
  }
  throw new DownloadError(`download of ${options.url} failed after ${attempts} attempts: ${lastError?.message ?? 'unknown error'}`);
}

function finalError(message: string): DownloadError {
  return Object.assign(new DownloadError(message), { final: true });
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/** One request: resolves with the file's size once complete, undefined when it stopped short. */
async function attempt(options: DownloadOptions): Promise<number | undefined> {
  const start = await sizeOf(options.partialPath);
  const controller = new AbortController();
  const idleMs = options.idleTimeoutMs ?? 60_000;
  let idleTimer = setTimeout(() => controller.abort(new DownloadError(`no data for ${idleMs} ms`)), idleMs);
  const touch = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => controller.abort(new DownloadError(`no data for ${idleMs} ms`)), idleMs);
  };
  try {
    const response = await fetch(options.url, { headers: start > 0 ? { range: `bytes=${start}-` } : {}, signal: controller.signal, redirect: 'follow' });
    let offset = start;
    let total: number | undefined;
    if (response.status === 416 && start > 0) {
      await response.body?.cancel();
      // The partial file may already be whole (a crash after the last byte): the server says its size.
      const size = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
      if (size !== undefined && Number(size) === start) return start;
      await truncate(options.partialPath, 0);
      return undefined;
    }
    if (response.status === 206) {
      const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
      if (!range || Number(range[1]) !== start) {
        await response.body?.cancel();
        await truncate(options.partialPath, 0);
        throw new DownloadError(`the server answered the range bytes=${start}- with ${response.headers.get('content-range') ?? 'no Content-Range'}`);
      }
      total = range[2] === '*' ? undefined : Number(range[2]);
    } else if (response.status === 200) {
      offset = 0;
      const length = response.headers.get('content-length');
      total = length === null ? undefined : Number(length);
    } else {
      await response.body?.cancel();
      const message = `GET ${options.url}: HTTP ${response.status} ${response.statusText}`.trim();
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) throw finalError(message);
      throw new DownloadError(message);
    }
    if (!response.body) throw new DownloadError(`GET ${options.url}: no body`);
    let received = offset;
    options.onProgress?.(received, total);
    // Every chunk is on disk before the next is read, so a dropped connection keeps all it delivered.
    const file = await open(options.partialPath, offset > 0 ? 'a' : 'w');
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        touch();
        await file.write(chunk);
        received += chunk.length;
        options.onProgress?.(received, total);
      }
    } finally {
      await file.close();
    }
    const size = await sizeOf(options.partialPath);
    return total === undefined || size === total ? size : undefined;
  } finally {
    clearTimeout(idleTimer);
  }
}
