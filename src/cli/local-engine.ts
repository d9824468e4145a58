import { existsSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { openAudio } from '../audio/decode';
import { ConfigError, parseConfig, type Config } from '../config';
import { ApiError } from '../errors';
import { renderTranscript } from '../http/response-formats';
import { parseTranscriptionParams } from '../http/transcription-params';
import type { Recognizer } from '../model/recognizer';
import { Services } from '../services';
import { transcribeChunks } from '../transcription/file-transcriber';
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

/** Transcribes files with the engine in this process: decode → VAD cuts → recognizer → the response format. */
export class LocalTranscriber implements Transcriber {
  constructor(
    private readonly services: Services,
    private readonly showProgress: boolean,
  ) {}

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
      const entry = this.services.registry.resolve(params.model);
      const totalSec = this.showProgress ? await probeDurationSec(file, config.ffmpegPath) : undefined;
      const audio = await openAudio(file, {
        targetRateHz: 16000,
        ffmpegPath: config.ffmpegPath,
        timeoutMs: config.ffmpegTimeoutMs,
        maxDurationSec: config.maxAudioDurationSec,
      });
      progress.onStage('audio', totalSec);
      const recognizer = counting(this.services.recognizer(entry.id, { prompt: params.prompt }), (sec) => progress.onAdvance(sec));
      const transcript = await transcribeChunks(audio.chunks, { recognizer, vad: this.services.vad, chunkMaxSec: config.chunkMaxSec });
      progress.onDone();
      return renderTranscript(transcript, params.responseFormat, { granularities: params.timestampGranularities }).body;
    } catch (err) {
      progress.onDone();
      if (err instanceof ApiError) throw new CliError(`${file.filePath}: ${err.message}`, EXIT.failed);
      throw err;
    }
  }

  close(): Promise<void> {
    return this.services.close();
  }
}

/**
 * The recognizer, reporting the seconds of audio recognized so far (the pieces a long file is cut into, as
 * each one's text comes back; pieces of digital silence are not sent and not counted).
 */
function counting(recognizer: Recognizer, onSeconds: (sec: number) => void): Recognizer {
  let samples = 0;
  return {
    modelId: recognizer.modelId,
    sampleRateHz: recognizer.sampleRateHz,
    async recognize(piece, options) {
      // Read before the call: with `transferSamples` the array is emptied when the buffer moves to a worker.
      const length = piece.length;
      const result = await recognizer.recognize(piece, options);
      samples += length;
      onSeconds(samples / recognizer.sampleRateHz);
      return result;
    },
  };
}
