import { ApiError } from '../errors';
import { ModelPuller } from '../model-store/model-puller';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { cliConfig } from './local-engine';
import { createProgress } from './progress';
import type { CliStreams } from './transcribe-command';

export interface ModelsPullOptions {
  modelsDir?: string;
  progress: boolean;
}

/**
 * `models pull NAME|URL`: downloads a catalog model (or any sherpa-onnx `.tar.bz2` by URL) into MODELS_DIR
 * (MODEL_MIRROR_URL applies). A progress bar on a terminal; one line on stdout saying where it went.
 */
export async function modelsPullCommand(nameOrUrl: string, options: ModelsPullOptions, io: CliStreams): Promise<ExitCode> {
  const config = cliConfig(io.env, { MODELS_DIR: options.modelsDir });
  const puller = new ModelPuller({ modelsDir: config.modelsDir, mirrorUrl: config.modelMirrorUrl, precision: config.modelPrecision });
  const progress = createProgress(io.stderr, options.progress);
  let started = false;
  try {
    const model = await puller.pull(nameOrUrl, {
      onProgress: (receivedBytes, totalBytes) => {
        if (!started) progress.begin(`downloading ${nameOrUrl}`, totalBytes, 'bytes');
        started = true;
        progress.update(receivedBytes);
      },
      onStage: (stage) => {
        if (stage === 'download') return;
        progress.end();
        started = false;
        if (io.stderr.isTTY === true && options.progress) io.stderr.write(stage === 'verify' ? 'verifying the checksum…\n' : 'unpacking…\n');
      },
    });
    io.stdout.write(model.alreadyInstalled ? `${model.id} is already installed in ${model.dir} (${model.layout.kind})\n` : `installed ${model.id} in ${model.dir} (${model.layout.kind})\n`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof ApiError) throw new CliError(err.message, err.status === 400 || err.status === 404 ? EXIT.usage : err.status === 502 ? EXIT.unavailable : EXIT.failed);
    throw err;
  } finally {
    progress.end();
  }
}
