import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { ApiError, toApiError } from '../errors';
import type { Services } from '../services';
import type { StreamWord } from '../streaming/local-agreement';
import type { StreamingEvent } from '../streaming/streaming-events';
import { validateStreamingConfig } from '../streaming/streaming-config';
import { StreamingTranscriber } from '../streaming/streaming-transcriber';
import { segmentWords } from '../transcription/transcript';
import { AudioIngest } from './audio-ingest';
import { captionsClientMessageSchema, type CaptionsConfig, type CaptionsServerMessage, type WireWord } from './captions-protocol';
import { CloseCode } from './close-codes';
import { decodeBase64Strict } from './base64';
import { ConnectionGuard } from './connection-guard';
import type { LiveStream } from './live-stream';
import { closeWith, sendJson } from './send';
import { streamingConfigFor } from './streaming-session-config';

const round = (sec: number) => Math.round(sec * 1000) / 1000;
const wireWords = (words: readonly StreamWord[]): WireWord[] => words.map((w) => ({ word: w.word, start: round(w.startSec), end: round(w.endSec) }));

/**
 * One live-captions connection (see captions-protocol.ts). Returns the stream, for the server to end it
 * (shutdown), or null when the connection was refused (bad query parameters).
 */
export function handleCaptionsConnection(ws: WebSocket, req: IncomingMessage, services: Services, onDone: () => void): LiveStream | null {
  const { config, logger, registry, metrics } = services;
  const url = new URL(req.url ?? '/', 'http://localhost');
  const sessionId = `cap_${randomUUID().replace(/-/g, '')}`;
  const send = (m: CaptionsServerMessage) => sendJson(ws, m);
  const fail = (err: unknown, close?: number) => {
    const e = toApiError(err);
    if (e.status >= 500) logger.error({ sessionId, err: e.cause ?? err }, 'captions stream error');
    send({ type: 'error', code: e.code ?? 'error', message: e.message, param: e.param });
    if (close !== undefined) closeWith(ws, close, e.message);
  };

  let settings: Required<Pick<CaptionsConfig, 'sample_rate' | 'encoding' | 'turn_detection'>> & { model: string; language: string; vad: CaptionsConfig['vad'] };
  try {
    const rate = url.searchParams.get('sample_rate');
    const encoding = url.searchParams.get('encoding');
    const turn = url.searchParams.get('turn_detection');
    const parsed = captionsClientMessageSchema.parse({
      type: 'config',
      model: url.searchParams.get('model') ?? undefined,
      language: url.searchParams.get('language') ?? undefined,
      sample_rate: rate === null ? undefined : Number(rate),
      encoding: encoding ?? undefined,
      turn_detection: turn ?? undefined,
    }) as CaptionsConfig;
    settings = {
      model: registry.resolve(parsed.model).id,
      language: parsed.language ?? 'en',
      sample_rate: parsed.sample_rate ?? 16000,
      encoding: parsed.encoding ?? 'pcm16',
      turn_detection: parsed.turn_detection ?? 'server_vad',
      vad: undefined,
    };
  } catch (err) {
    fail(err instanceof ApiError ? err : new ApiError(400, `Invalid query parameters: ${(err as Error).message}`, { code: 'invalid_request' }), CloseCode.POLICY_VIOLATION);
    onDone();
    return null;
  }

  let transcriber: StreamingTranscriber | null = null;
  let ingest: AudioIngest | null = null;
  /** Set once the stream is ending: by the client's `end` (later messages are errors) or by the server (ignored). */
  let ending: 'client' | 'server' | null = null;
  let finishing: Promise<void> | null = null;
  const limits = { idleTimeoutMs: config.streamIdleTimeoutSec * 1000, maxAudioMs: config.maxStreamDurationSec * 1000, maxWallMs: config.maxStreamWallSec * 1000 };
  const guard = new ConnectionGuard(limits, (reason, message) => {
    // Say why, then end as `end` would: the audio heard so far gets its final.
    fail(new ApiError(400, message, { code: reason }));
    void finish(CloseCode.POLICY_VIOLATION, message, 'server');
  });

  const onEvent = (event: StreamingEvent) => {
    switch (event.type) {
      case 'speech_started':
        send({ type: 'speech_started', utterance_id: event.utteranceIndex, start: event.audioStartMs / 1000 });
        break;
      case 'speech_stopped':
        send({ type: 'speech_stopped', utterance_id: event.utteranceIndex, end: event.audioEndMs / 1000 });
        break;
      case 'partial': {
        const lagMs = Math.round(transcriber?.transcriptLagMs ?? 0);
        metrics.streamLagMs.observe(lagMs);
        send({
          type: 'partial',
          utterance_id: event.utteranceIndex,
          text: event.text,
          stable_text: event.stableText,
          unstable_text: event.unstableText,
          delta: event.stableDelta,
          words: wireWords(event.words),
          lag_ms: lagMs,
          is_final: false,
        });
        break;
      }
      case 'final': {
        const words = event.words.map((w) => ({ word: w.word, startSec: w.startSec, endSec: w.endSec }));
        send({
          type: 'final',
          utterance_id: event.utteranceIndex,
          text: event.text,
          start: round(event.startSec),
          end: round(event.endSec),
          reason: event.reason,
          segments: segmentWords(words).map((s) => ({ id: s.id, start: round(s.startSec), end: round(s.endSec), text: s.text })),
          words: wireWords(event.words),
          is_final: true,
        });
        metrics.audioSeconds.inc({ model: settings.model, mode: 'stream' }, Math.max(0, event.endSec - event.startSec));
        break;
      }
      case 'error':
        fail(event.error);
        break;
    }
  };

  const sessionConfig = () =>
    streamingConfigFor(config, settings.turn_detection, {
      threshold: settings.vad?.threshold,
      silenceDurationMs: settings.vad?.min_silence_ms,
      prefixPaddingMs: settings.vad?.prefix_padding_ms,
      minSpeechMs: settings.vad?.min_speech_ms,
    });

  const start = () => {
    if (transcriber) return transcriber;
    ingest = new AudioIngest(settings.encoding, settings.sample_rate);
    transcriber = new StreamingTranscriber(
      { recognizer: services.recognizer(settings.model), vad: services.vad, onEvent },
      sessionConfig(),
    );
    return transcriber;
  };

  const pushAudio = (bytes: Uint8Array) => {
    if (bytes.length === 0) return; // no audio: does not count against the idle timeout
    const t = start();
    let samples: Float32Array;
    try {
      samples = ingest!.push(bytes);
    } catch (err) {
      fail(new ApiError(400, `Invalid audio frame: ${(err as Error).message}.`, { code: 'invalid_audio_frame' }));
      return;
    }
    if (!guard.audioReceived(ingest!.receivedMs)) return;
    try {
      t.pushAudio(samples);
    } catch (err) {
      fail(err);
    }
  };

  /** Processes the rest, sends the open utterance's final and `end`, then closes with `closeCode`. */
  const finish = (closeCode: number, reason: string, by: 'client' | 'server'): Promise<void> => {
    if (finishing) return finishing;
    ending = by;
    guard.stop();
    const t = transcriber as StreamingTranscriber | null;
    const tail = ingest ? (ingest as AudioIngest).flush() : new Float32Array(0);
    const duration = ingest ? (ingest as AudioIngest).receivedMs / 1000 : 0;
    const run = async () => {
      if (t) {
        try {
          if (tail.length > 0) t.pushAudio(tail);
        } catch {
          // The resampler's last few ms, refused by a lagging or closed stream: the final goes without them.
        }
        await t.end();
      }
      send({ type: 'end', duration: round(duration) });
      closeWith(ws, closeCode, reason);
    };
    finishing = run().catch((err: unknown) => fail(err, CloseCode.INTERNAL_ERROR));
    return finishing;
  };

  send({ type: 'ready', session_id: sessionId, model: settings.model, sample_rate: settings.sample_rate, encoding: settings.encoding, turn_detection: settings.turn_detection, protocol: 'captions.v1' });

  ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
    if (ending === 'server') return;
    if (ending) {
      fail(new ApiError(409, 'The stream is ending; no more messages are accepted.', { code: 'stream_closed' }));
      return;
    }
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (isBinary) {
      pushAudio(bytes);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      fail(new ApiError(400, 'The message is not valid JSON.', { code: 'invalid_json' }));
      return;
    }
    const parsed = captionsClientMessageSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      fail(new ApiError(400, `Invalid message: ${issue.path.join('.') || 'type'}: ${issue.message}.`, { code: 'invalid_message', param: issue.path.join('.') || 'type' }));
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'config':
        if (transcriber) {
          fail(new ApiError(409, 'Send config before the first audio frame.', { code: 'config_after_audio' }));
          return;
        }
        try {
          settings = {
            model: message.model ? registry.resolve(message.model).id : settings.model,
            language: message.language ?? settings.language,
            sample_rate: message.sample_rate ?? settings.sample_rate,
            encoding: message.encoding ?? settings.encoding,
            turn_detection: message.turn_detection ?? settings.turn_detection,
            vad: message.vad ?? settings.vad,
          };
          if (!/^(en|eng|english)([-_][a-z0-9]+)?$/i.test(settings.language)) {
            throw new ApiError(400, `Language '${settings.language}' is not supported; supported: en.`, { code: 'unsupported_language', param: 'language' });
          }
          try {
            validateStreamingConfig(sessionConfig());
          } catch (err) {
            throw new ApiError(400, `Invalid config: ${(err as Error).message}.`, { code: 'invalid_value', param: 'vad' });
          }
        } catch (err) {
          fail(err);
          return;
        }
        send({ type: 'configured', model: settings.model, language: settings.language, sample_rate: settings.sample_rate, encoding: settings.encoding, turn_detection: settings.turn_detection });
        return;
      case 'audio': {
        const audio = decodeBase64Strict(message.audio);
        if (!audio) {
          fail(new ApiError(400, "Invalid 'audio': expected base64-encoded audio bytes.", { code: 'invalid_value', param: 'audio' }));
          return;
        }
        pushAudio(audio);
        return;
      }
      case 'commit':
        if (!transcriber) {
          fail(new ApiError(400, 'There is no audio to commit.', { code: 'input_audio_buffer_commit_empty' }));
          return;
        }
        transcriber.commit().catch((err: unknown) => fail(err));
        return;
      case 'end':
        void finish(CloseCode.NORMAL, 'end of stream', 'client');
        return;
    }
  });

  ws.on('close', () => {
    guard.stop();
    (transcriber as StreamingTranscriber | null)?.close();
    onDone();
  });
  ws.on('error', (err) => logger.warn({ sessionId, err }, 'captions socket error'));
  return { finish: (closeCode, reason) => finish(closeCode, reason, 'server') };
}
