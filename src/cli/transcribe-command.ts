import { CliError, EXIT, type ExitCode } from './exit-codes';
import { HttpTranscriber } from './http-transcriber';
import { openInputFile, type InputFile } from './input-file';
import { cliConfig, LocalTranscriber, startServices } from './local-engine';
import { createProgress, type OutputStream } from './progress';
import { parseServerUrl, resolveApiKey } from './server-url';
import type { Transcriber, TranscriptionProgress, TranscriptionRequest } from './transcription-request';

export interface TranscribeOptions extends TranscriptionRequest {
  /** A running server; without it the engine runs in this process. */
  url?: string;
  apiKey?: string;
  modelsDir?: string;
  progress: boolean;
}

export interface CliStreams {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
}

/**
 * `transcribe FILE...`: each file's transcript in the requested format on stdout, in order. Several files:
 * text formats are preceded by a `==> FILE <==` line, JSON formats are one document per line. A file that
 * fails is reported on stderr and the others are still transcribed; the exit code is the worst one.
 */
export async function transcribeCommand(paths: string[], options: TranscribeOptions, io: CliStreams): Promise<ExitCode> {
  const base = options.url !== undefined ? parseServerUrl(options.url) : undefined;
  let exitCode: ExitCode = EXIT.ok;
  const fail = (err: unknown) => {
    if (!(err instanceof CliError)) throw err;
    io.stderr.write(`error: ${err.message}\n`);
    exitCode = Math.max(exitCode, err.exitCode) as ExitCode;
  };

  // Every file is checked before the engine starts or anything is uploaded.
  const files: (InputFile | null)[] = [];
  for (const p of paths) {
    try {
      files.push(await openInputFile(p));
    } catch (err) {
      fail(err);
      files.push(null);
    }
  }
  if (files.every((f) => f === null)) return exitCode;

  let transcriber: Transcriber;
  if (base) {
    transcriber = new HttpTranscriber(base, resolveApiKey(options.apiKey, io.env));
  } else {
    const config = cliConfig(io.env, { MODELS_DIR: options.modelsDir });
    const tty = options.progress && io.stderr.isTTY === true;
    // Loading the models takes seconds: say so on a terminal, then erase the line.
    if (tty) io.stderr.write('loading models…');
    try {
      transcriber = new LocalTranscriber(await startServices(config), tty);
    } finally {
      if (tty) io.stderr.write('\r\x1b[2K');
    }
  }
  const bar = createProgress(io.stderr, options.progress);
  const json = options.responseFormat.includes('json');
  try {
    for (const file of files) {
      if (!file) continue;
      const progress: TranscriptionProgress = {
        onStage: (stage, total) => bar.begin(`${stage === 'upload' ? 'uploading' : 'transcribing'} ${file.fileName}`, total, stage === 'upload' ? 'bytes' : 'seconds'),
        onAdvance: (value) => bar.update(value),
        onDone: () => bar.end(),
      };
      try {
        const body = await transcriber.transcribe(file, options, progress);
        if (paths.length > 1 && !json) io.stdout.write(`==> ${file.filePath} <==\n`);
        io.stdout.write(body.endsWith('\n') ? body : `${body}\n`);
      } catch (err) {
        fail(err);
      }
    }
  } finally {
    bar.end();
    await transcriber.close();
  }
  return exitCode;
}
