#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import dotenv from 'dotenv';
import { RESPONSE_FORMATS, type ResponseFormat, type TimestampGranularity } from '../http/response-formats';
import { CliError, EXIT, EXIT_CODES_HELP, type ExitCode } from './exit-codes';
import { modelsCommand } from './models-command';
import { modelsPullCommand } from './models-pull-command';
import { serveCommand } from './serve-command';
import { DEFAULT_URL } from './server-url';
import { streamCommand } from './stream-command';
import type { StreamEncoding } from './stream-source';
import { transcribeCommand, type CliStreams } from './transcribe-command';

/** The command line: `onnx-stt-server transcribe|stream|serve|models` (see `--help`). */

const PACKAGE = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { name: string; version: string };

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0');
  return n;
}

function sampleRate(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 8000 || n > 48000) throw new InvalidArgumentError('expected a whole number of Hz from 8000 to 48000');
  return n;
}

function granularities(value: string, previous: TimestampGranularity[] = []): TimestampGranularity[] {
  const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = parts.find((p) => p !== 'word' && p !== 'segment');
  if (bad !== undefined) throw new InvalidArgumentError(`'${bad}' is not one of word, segment`);
  return [...new Set([...previous, ...(parts as TimestampGranularity[])])];
}

const urlOption = (what: string) => new Option('--url <url>', what);
const apiKeyOption = () => new Option('--api-key <key>', 'API key sent as a Bearer token (default: $STT_API_KEY, else $OPENAI_API_KEY)');
const modelsDirOption = () => new Option('--models-dir <dir>', 'models folder for the in-process engine (default: $MODELS_DIR, else ./models, else the package\'s models)');

export function buildProgram(io: CliStreams & { stdin: NodeJS.ReadableStream }, setExitCode: (code: ExitCode) => void): Command {
  const program = new Command();
  program
    .name(PACKAGE.name)
    .description('Speech to text with the onnx-stt-server engine: transcribe files, stream live captions, run the server.')
    .version(PACKAGE.version)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText('after', `${EXIT_CODES_HELP}\n\nThe in-process engine reads the server's variables (MODELS_DIR, DEFAULT_MODEL, INFERENCE_WORKERS, …; a .env file too).`);

  program
    .command('transcribe')
    .description('transcribe audio files (any format ffmpeg reads; WAV without it) with the engine in this process, or on a server with --url')
    .argument('<files...>', 'audio files')
    .addOption(new Option('--response-format <format>', 'output format').choices([...RESPONSE_FORMATS]).default('text'))
    .option('--model <id>', 'model id or alias (see `models`; default: the default model)')
    .option('--language <code>', 'language of the audio (the embedded models: en)')
    .option('--prompt <text>', 'words to favour (hotwords, with beam search)')
    .option('--timestamp-granularities <list>', 'for verbose_json: word, segment or word,segment (repeatable)', granularities)
    .addOption(urlOption('transcribe on a running server (e.g. http://127.0.0.1:8000) instead of in this process'))
    .addOption(apiKeyOption())
    .addOption(modelsDirOption())
    .option('--no-progress', 'no progress bar, even on a terminal')
    .addHelpText('after', `
Several files: text formats are each preceded by "==> FILE <==", JSON formats are one document per line.
A progress bar (upload bytes, audio seconds) is drawn on stderr when it is a terminal; nothing when piped.
${EXIT_CODES_HELP}

Examples:
  $ onnx-stt-server transcribe speech.mp3
  $ onnx-stt-server transcribe --response-format srt talk.m4a > talk.srt
  $ onnx-stt-server transcribe --url http://127.0.0.1:8000 --response-format verbose_json --timestamp-granularities word a.wav`)
    .action(async (files: string[], opts: { responseFormat: ResponseFormat; model?: string; language?: string; prompt?: string; timestampGranularities?: TimestampGranularity[]; url?: string; apiKey?: string; modelsDir?: string; progress: boolean }) => {
      setExitCode(await transcribeCommand(files, { ...opts, timestampGranularities: opts.timestampGranularities ?? [] }, io));
    });

  program
    .command('stream')
    .description('stream a file (any format, decoded to 16 kHz) or raw PCM / WAV on stdin (-) to a server as live captions')
    .argument('<input>', 'an audio file, or - for stdin')
    .addOption(urlOption(`the server (default ${DEFAULT_URL}; the stream goes to ws://…/v1/audio/transcriptions)`))
    .addOption(apiKeyOption())
    .option('--model <id>', 'model id or alias')
    .option('--language <code>', 'language of the audio')
    .option('--sample-rate <hz>', 'sample rate of raw stdin audio', sampleRate, 16000)
    .addOption(new Option('--encoding <encoding>', 'encoding of raw stdin audio').choices(['pcm16', 'float32', 'mulaw', 'alaw']).default('pcm16'))
    .option('--speed <factor>', 'send at this many times real time', positiveNumber, 1)
    .option('--no-realtime', 'send as fast as the server accepts')
    .option('--timestamps', 'print each final with its start and end time')
    .addHelpText('after', `
On a terminal the current utterance is redrawn in place as it is recognized (unstable words dimmed) and each
final replaces it; when piped only the finals are written, one per line. A WAV header on stdin is read
(PCM16, float32, µ-law, A-law). Ctrl-C stops sending and waits for the last final.
${EXIT_CODES_HELP}

Examples:
  $ onnx-stt-server stream talk.mp3 --timestamps
  $ arecord -q -f S16_LE -r 16000 -c 1 -t raw | onnx-stt-server stream - --url http://127.0.0.1:8000
  $ ffmpeg -loglevel error -i talk.mp3 -ac 1 -ar 16000 -f wav - | onnx-stt-server stream - --no-realtime`)
    .action(async (input: string, opts: { url?: string; apiKey?: string; model?: string; language?: string; sampleRate: number; encoding: StreamEncoding; speed: number; realtime: boolean; timestamps?: boolean }) => {
      const speed = opts.realtime ? opts.speed : Infinity;
      setExitCode(await streamCommand(input, { ...opts, speed, timestamps: opts.timestamps === true }, io));
    });

  program
    .command('serve')
    .description('run the server (as `npm start`; configured by the same variables and .env)')
    .option('--port <port>', 'port to listen on ($PORT, default 8000; 0 picks a free one)')
    .option('--host <host>', 'interface to bind ($HOST, default 0.0.0.0)')
    .addOption(modelsDirOption())
    .option('--default-model <id>', 'model used for aliases and requests without one ($DEFAULT_MODEL)')
    .action(async (opts: { port?: string; host?: string; modelsDir?: string; defaultModel?: string }) => {
      await serveCommand(opts, io.env);
    });

  program
    .command('models')
    .description('list the models: those in the models folder (nothing is loaded), or on a server with --url')
    .addOption(urlOption('list the models of a running server (GET /v1/models)'))
    .addOption(apiKeyOption())
    .addOption(modelsDirOption())
    .option('--json', 'JSON instead of a table')
    .action(async (opts: { url?: string; apiKey?: string; modelsDir?: string; json?: boolean }) => {
      setExitCode(await modelsCommand({ ...opts, json: opts.json === true }, io));
    })
    .command('pull')
    .description('download a model into the models folder: a name from the catalog (models/catalog.json), or the URL of a sherpa-onnx .tar.bz2')
    .argument('<name-or-url>', 'catalog name (e.g. sherpa-onnx-nemo-parakeet-tdt-0.6b-v2-int8) or archive URL')
    .addOption(modelsDirOption())
    .option('--no-progress', 'no progress bar, even on a terminal')
    .addHelpText('after', `
An interrupted download is resumed (the partial file is kept as MODELS_DIR/NAME.tar.bz2.partial). The archive is
unpacked beside the models and renamed into place only when complete and loadable. MODEL_MIRROR_URL=BASE fetches
BASE/NAME.tar.bz2 instead of the published URL. A running server picks a pulled model up at its next start, or at
once through POST /v1/models/{id}.

Examples:
  $ onnx-stt-server models pull sherpa-onnx-nemo-parakeet-tdt-0.6b-v2-int8
  $ onnx-stt-server models pull https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/sherpa-onnx-zipformer-en-2023-06-26.tar.bz2`)
    .action(async (nameOrUrl: string, _opts: unknown, command: Command) => {
      // `--models-dir` after `pull` is taken by `models` (it has the same option): read both.
      const opts = command.optsWithGlobals<{ modelsDir?: string; progress: boolean }>();
      setExitCode(await modelsPullCommand(nameOrUrl, opts, io));
    });

  return program;
}

/** Runs the command line; resolves with the exit code. Errors are one line on stderr, never a stack. */
export async function runCli(argv: string[], io: CliStreams & { stdin: NodeJS.ReadableStream }): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof CliError) {
      io.stderr.write(`error: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`error: ${(err as Error)?.message ?? String(err)}\n`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  // The server's variables may come from a .env file, as for `npm start` (quietly: stdout is the output).
  dotenv.config({ quiet: true });
  runCli(process.argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`error: ${(err as Error)?.message ?? String(err)}\n`);
      process.exit(EXIT.failed);
    },
  );
}
