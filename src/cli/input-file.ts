import { execFile } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError, EXIT } from './exit-codes';
import { parseWavHeader } from './wav-header';

/** An audio file named on the command line, checked to exist and be readable. */
export interface InputFile {
  filePath: string;
  sizeBytes: number;
  fileName: string;
}

/** Checks that `filePath` is a readable regular file; otherwise a CliError with exit code 3. */
export async function openInputFile(filePath: string): Promise<InputFile> {
  try {
    const s = await stat(filePath);
    if (!s.isFile()) throw new CliError(`${filePath}: not a file`, EXIT.unavailable);
    // Opening it proves it is readable (permissions) before any work starts.
    await (await open(filePath, 'r')).close();
    return { filePath, sizeBytes: s.size, fileName: path.basename(filePath) };
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : `cannot read it (${code ?? String(err)})`;
    throw new CliError(`${filePath}: ${why}`, EXIT.unavailable);
  }
}

/**
 * The audio's duration in seconds, for a progress bar's total: from the header of a WAV file, else from
 * ffprobe (beside `ffmpegPath`). Undefined when neither knows (the bar then shows only the count).
 */
export async function probeDurationSec(file: InputFile, ffmpegPath: string): Promise<number | undefined> {
  const wav = await wavDurationSec(file);
  if (wav !== undefined) return wav;
  const ffprobe = ffmpegPath.includes('/') ? path.join(path.dirname(ffmpegPath), 'ffprobe') : 'ffprobe';
  return new Promise((resolve) => {
    execFile(ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file.filePath], { timeout: 10_000 }, (err, stdout) => {
      const sec = Number.parseFloat(String(stdout).trim());
      resolve(!err && Number.isFinite(sec) && sec > 0 ? sec : undefined);
    });
  });
}

async function wavDurationSec(file: InputFile): Promise<number | undefined> {
  const handle = await open(file.filePath, 'r');
  try {
    const head = new Uint8Array(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const header = parseWavHeader(head.subarray(0, bytesRead));
    if (!header || header.channels === 0 || header.bitsPerSample === 0) return undefined;
    const bytesPerSecond = header.sampleRateHz * header.channels * (header.bitsPerSample / 8);
    const dataBytes = Math.min(header.dataBytes || Infinity, file.sizeBytes - header.dataOffset);
    return dataBytes / bytesPerSecond;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}
