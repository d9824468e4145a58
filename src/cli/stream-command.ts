import WebSocket from 'ws';
import { CaptionsClient, StreamClientError } from '../client/captions-client';
import { CaptionsRenderer } from './captions-renderer';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { openInputFile } from './input-file';
import { cliConfig } from './local-engine';
import { parseServerUrl, resolveApiKey, DEFAULT_URL } from './server-url';
import { BYTES_PER_SAMPLE, fileSource, stdinSource, type AudioByteSource, type StreamEncoding } from './stream-source';
import type { CliStreams } from './transcribe-command';

export interface StreamOptions {
  url?: string;
  apiKey?: string;
  model?: string;
  language?: string;
  sampleRate: number;
  encoding: StreamEncoding;
  /** Times real time to send at; Infinity: as fast as the connection takes it. */
  speed: number;
  timestamps: boolean;
}

/** Audio per WebSocket frame, in ms. */
const FRAME_MS = 100;
/** Bytes queued in the socket before sending waits (back-pressure when faster than real time). */
const MAX_BUFFERED_BYTES = 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `stream FILE|-`: sends a file (decoded to 16 kHz) or stdin through the live-captions protocol, paced at
 * real time unless told otherwise, and writes what comes back: partials redrawn in place on a terminal,
 * finals one per line. Ctrl-C stops sending and flushes: the open utterance still gets its final.
 */
export async function streamCommand(input: string, options: StreamOptions, io: CliStreams & { stdin: NodeJS.ReadableStream }): Promise<ExitCode> {
  const base = parseServerUrl(options.url ?? DEFAULT_URL);
  const source: AudioByteSource =
    input === '-'
      ? await stdinSource(io.stdin as import('node:stream').Readable, { encoding: options.encoding, sampleRateHz: options.sampleRate })
      : await fileSource(await openInputFile(input), cliConfig(io.env, {}));

  const renderer = new CaptionsRenderer(io.stdout, { tty: io.stdout.isTTY === true, timestamps: options.timestamps });
  const client = new CaptionsClient();
  let lastError: { code: string; message: string } | null = null;
  client.on('partial', (p) => renderer.partial(p.stable_text, p.unstable_text));
  client.on('final', (f) => renderer.final(f.text, f.start, f.end));
  client.on('error', (e) => {
    lastError = e;
    if (e.code === 'connection_failed') return; // reported by connect's rejection
    // Sending faster than real time was asked for: the server saying it lags behind is expected.
    if (e.code === 'stream_lagging' && options.speed > 1) return;
    renderer.clearPartial();
    io.stderr.write(`server: ${e.message}${e.code ? ` (${e.code})` : ''}\n`);
  });

  try {
    await client.connect(base.href, {
      WebSocket: WebSocket as unknown as import('../client/captions-client').WebSocketConstructor,
      apiKey: resolveApiKey(options.apiKey, io.env),
      model: options.model,
      language: options.language,
      sampleRate: source.sampleRateHz,
      encoding: source.encoding,
    });
  } catch (err) {
    throw connectFailure(err, base);
  }

  let stopped = false;
  const onSigint = () => {
    if (stopped) process.exit(EXIT.failed);
    stopped = true; // stop sending; the open utterance is flushed below
    // A live source (a microphone on stdin) may not send another byte for a while: stop reading it now.
    if (input === '-') (io.stdin as import('node:stream').Readable).destroy();
  };
  process.on('SIGINT', onSigint);
  try {
    const frameBytes = Math.max(1, Math.round((source.sampleRateHz * FRAME_MS) / 1000)) * BYTES_PER_SAMPLE[source.encoding];
    const bytesPerMs = (source.sampleRateHz * BYTES_PER_SAMPLE[source.encoding]) / 1000;
    const started = Date.now();
    let sentBytes = 0;
    try {
      for await (const frame of frames(source.bytes, frameBytes, BYTES_PER_SAMPLE[source.encoding])) {
        if (stopped) break;
        client.sendAudio(frame);
        sentBytes += frame.length;
        if (Number.isFinite(options.speed)) {
          const wait = started + sentBytes / bytesPerMs / options.speed - Date.now();
          if (wait > 0) await sleep(wait);
        }
        while (client.bufferedAmount > MAX_BUFFERED_BYTES && client.isOpen) await sleep(10);
      }
    } catch (err) {
      if (!stopped) throw err; // reading stdin after Ctrl-C destroyed it
    }
    // The server may still be catching up with audio sent faster than real time.
    await client.end(60_000 + client.sentAudioSec * 1000);
    renderer.clearPartial();
    return EXIT.ok;
  } catch (err) {
    renderer.clearPartial();
    if (err instanceof StreamClientError) {
      const close = await client.closed;
      const why = lastError ? `: ${(lastError as { message: string }).message}` : '';
      throw new CliError(`the stream ended early (close ${close.code}${close.reason ? ` ${close.reason}` : ''})${why}`, EXIT.failed);
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    client.close();
  }
}

/** Cuts a byte stream into frames of `frameBytes` (the last one may be shorter; a trailing partial sample is dropped). */
async function* frames(bytes: AsyncIterable<Uint8Array>, frameBytes: number, sampleBytes: number): AsyncGenerator<Uint8Array> {
  let pending: Uint8Array = new Uint8Array(0);
  for await (const chunk of bytes) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let at = 0;
    for (; at + frameBytes <= pending.length; at += frameBytes) yield pending.slice(at, at + frameBytes);
    pending = pending.slice(at);
  }
  const whole = pending.length - (pending.length % sampleBytes);
  if (whole > 0) yield pending.slice(0, whole);
}

/** A refused or failed connection: exit 3 when the server cannot be reached, 1 when it said no (with its message). */
function connectFailure(err: unknown, base: URL): CliError {
  if (!(err instanceof StreamClientError)) return new CliError(`cannot open the stream: ${(err as Error).message}`, EXIT.failed);
  const unreachable = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET/.exec(err.message);
  if (unreachable || err.code === 'timeout') return new CliError(`cannot connect to ${base.origin}: ${unreachable?.[0] ?? err.message}`, EXIT.unavailable);
  const status = /Unexpected server response: (\d+)/.exec(err.message)?.[1];
  if (status) {
    const hint = status === '401' ? ' (a missing or wrong API key: --api-key, STT_API_KEY or OPENAI_API_KEY)' : status === '503' ? ' (the server is loading its models or shutting down)' : '';
    return new CliError(`the server refused the stream: HTTP ${status}${hint}`, EXIT.failed);
  }
  return new CliError(`the server refused the stream: ${err.message}`, EXIT.failed);
}
