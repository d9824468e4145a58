import { existsSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { ConfigError, parseConfig, type Config } from '../config';
import { ApiError } from '../errors';
import { renderTranscript } from '../http/response-formats';
import { parseTranscriptionParams } from '../http/transcription-params';
import { Services } from '../services';
import type { Engine } from '../session/engine';
import { CliError, EXIT } from './exit-codes';
import { probeDurationSec, type InputFile } from './input-file';
import type { Transcriber, TranscriptionProgress, TranscriptionRequest } from './transcription-request';

/** The models shipped with the package (`<package>/models`), used when neither MODELS_DIR nor ./models exists. */
export const PACKAGE_MODELS_DIR = path.resolve(__dirname, '..', '..', 'models');

/**
 * The service's config for the CLI: the same schema and variables as the server (`.env`, environment), with
 * CLI flags on top. The log goes to stderr at `error` unless LOG_LEVEL says otherwise (stdout is the
 * transcript), and the models folder falls back to the package's own.
 */
export function cliConfig(env: NodeJS.ProcessEnv, overrides: Record<string, string | undefined>): Readonly<Config> {
  const merged: Record<string, string | undefined> = { LOG_LEVEL: 'error', ...env };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) merged[k] = v;
  if (!merged.MODELS_DIR && !existsSync('models')) merged.MODELS_DIR = PACKAGE_MODELS_DIR;
  try {
    return parseConfig(merged);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`${err.message}\n(see .env.example for every variable and its default)`, EXIT.usage);
    throw err;
  }
}

/** Builds the service's Services (models, inference workers, VAD) in this process and loads the models. */
export async function startServices(config: Readonly<Config>): Promise<Services> {
  const logger = pino({ level: config.logLevel }, pino.destination(2));
  let services: Services;
  try {
    services = new Services(config, logger);
  } catch (err) {
    // No models folder, no model in it, a bad DEFAULT_MODEL: nothing to transcribe with.
    throw new CliError(`cannot load the models from ${config.modelsDir}: ${(err as Error).message}`, EXIT.unavailable);
  }
  try {
    await services.start();
  } catch (err) {
    await services.close().catch(() => undefined);
    throw new CliError(`cannot start the engine: ${(err as Error).message}`, EXIT.failed);
  }
  return services;
}

/**
 * Transcribes files with the engine in this process, through the service's own file session (the same
 * decoder, VAD and recognizer path as an upload, hence the same text), rendered in the requested format.
 */
export class LocalTranscriber implements Transcriber {
  private readonly engine: Engine;

  constructor(
    private readonly services: Services,
    private readonly showProgress: boolean,
  ) {
    this.engine = services.engine;
  }

  async transcribe(file: InputFile, request: TranscriptionRequest, progress: TranscriptionProgress): Promise<string> {
    const { config } = this.services;
    try {
      // The same validation as the HTTP route (language, model names), so both paths refuse the same requests.
      const params = parseTranscriptionParams({
        model: request.model,
        language: request.language,
        prompt: request.prompt,
        response_format: request.responseFormat,
        timestamp_granularities: request.timestampGranularities,
      });
      const modelId = this.engine.resolveModel(params.model);
      const totalSec = this.showProgress ? await probeDurationSec(file, config.ffmpegPath) : undefined;
      const { session, release } = await this.engine.openFile(file, { modelId, prompt: params.prompt, language: params.language });
      try {
        progress.onStage('audio', totalSec);
        const transcript = await session.transcribe({ onProgress: (sec) => progress.onAdvance(sec) });
        return renderTranscript(transcript, params.responseFormat, { granularities: params.timestampGranularities }).body;
      } finally {
        release();
      }
    } catch (err) {
      if (err instanceof ApiError) throw new CliError(`${file.filePath}: ${err.message}`, EXIT.failed);
      throw err;
    } finally {
      progress.onDone();
    }
  }

  close(): Promise<void> {
    return this.services.close();
  }
}
