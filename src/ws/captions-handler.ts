import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { ApiError, toApiError } from '../errors';
import type { Services } from '../services';
import type { LiveSession } from '../session/live-session';
import { decodeBase64Strict } from './base64';
import { captionsClientMessageSchema, type CaptionsServerMessage } from './captions-protocol';
import { renderCaptionsEnd, renderCaptionsEvent } from './captions-render';
import { applyCaptionsConfig, captionsSettingsFromQuery, liveSettingsOf, reportedLanguage, type CaptionsSettings } from './captions-settings';
import { CloseCode } from './close-codes';
import type { LiveStream } from './live-stream';
import { closeWith, sendJson } from './send';
import { traceStream } from './stream-trace';

/**
 * One live-captions connection (see captions-protocol.ts): parses the protocol, runs one live session, and
 * renders its events. Returns the stream, for the server to end it (shutdown), or null when the connection
 * was refused (bad query parameters).
 */
export function handleCaptionsConnection(ws: WebSocket, req: IncomingMessage, services: Services, onDone: () => void): LiveStream | null {
  const { logger, engine } = services;
  const sessionId = `cap_${randomUUID().replace(/-/g, '')}`;
  const send = (m: CaptionsServerMessage) => sendJson(ws, m);
  const fail = (err: unknown, close?: number) => {
    const e = toApiError(err);
    if (e.status >= 500) logger.error({ sessionId, err: e.cause ?? err }, 'captions stream error');
    send({ type: 'error', code: e.code ?? 'error', message: e.message, param: e.param });
    if (close !== undefined) closeWith(ws, close, e.message);
  };

  let settings: CaptionsSettings;
  try {
    settings = captionsSettingsFromQuery(new URL(req.url ?? '/', 'http://localhost'), engine);
  } catch (err) {
    fail(err, CloseCode.POLICY_VIOLATION);
    onDone();
    return null;
  }

  // Spans for the stream's recognitions when tracing is on, under one root carrying the session id.
  const trace = traceStream(services.tracing, req, ws, sessionId);
  let session: LiveSession | null = null;
  /** Set once the stream is ending: by the client's `end` (later messages are errors) or by the server (ignored). */
  let ending: 'client' | 'server' | null = null;
  let finishing: Promise<void> | null = null;
  // The limits run from the connection's start: a client that never sends audio is closed too.
  const guard = engine.streamGuard((reason, message) => {
    // Say why, then end as `end` would: the audio heard so far gets its final.
    fail(new ApiError(400, message, { code: reason }));
    void finish(CloseCode.POLICY_VIOLATION, message, 'server');
  });

  const start = (): LiveSession =>
    (session ??= engine.openLiveSession(
      { ...liveSettingsOf(settings), guard, trace },
      {
        onEvent: (event) => {
          if (event.type === 'error') fail(event.error);
          else send(renderCaptionsEvent(event)!);
        },
      },
    ));

  const pushAudio = (bytes: Uint8Array) => {
    if (bytes.length === 0) return; // no audio: does not count against the idle timeout
    try {
      start().pushBytes(bytes);
    } catch (err) {
      fail(err);
    }
  };

  /** Processes the rest, sends the open utterance's final and `end`, then closes with `closeCode`. */
  const finish = (closeCode: number, reason: string, by: 'client' | 'server'): Promise<void> => {
    if (finishing) return finishing;
    ending = by;
    guard.stop();
    const s = session;
    const run = async () => {
      if (s) await s.finish();
      send(renderCaptionsEnd(s ? s.receivedMs / 1000 : 0));
      closeWith(ws, closeCode, reason);
    };
    finishing = run().catch((err: unknown) => fail(err, CloseCode.INTERNAL_ERROR));
    return finishing;
  };

  send({ type: 'ready', session_id: sessionId, model: settings.model, sample_rate: settings.sample_rate, encoding: settings.encoding, turn_detection: settings.turn_detection, protocol: 'captions.v1' });

  ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
    if (ending === 'server') return;
    if (ending) return fail(new ApiError(409, 'The stream is ending; no more messages are accepted.', { code: 'stream_closed' }));
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (isBinary) return pushAudio(bytes);
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      return fail(new ApiError(400, 'The message is not valid JSON.', { code: 'invalid_json' }));
    }
    const parsed = captionsClientMessageSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = issue.path.join('.') || 'type';
      return fail(new ApiError(400, `Invalid message: ${param}: ${issue.message}.`, { code: 'invalid_message', param }));
    }
    const message = parsed.data;
    switch (message.type) {
      case 'config':
        if (session) return fail(new ApiError(409, 'Send config before the first audio frame.', { code: 'config_after_audio' }));
        try {
          settings = applyCaptionsConfig(settings, message, engine);
        } catch (err) {
          return fail(err);
        }
        return send({ type: 'configured', model: settings.model, language: reportedLanguage(settings, engine), sample_rate: settings.sample_rate, encoding: settings.encoding, turn_detection: settings.turn_detection });
      case 'audio': {
        const audio = decodeBase64Strict(message.audio);
        if (!audio) return fail(new ApiError(400, "Invalid 'audio': expected base64-encoded audio bytes.", { code: 'invalid_value', param: 'audio' }));
        return pushAudio(audio);
      }
      case 'commit':
        if (!session) return fail(new ApiError(400, 'There is no audio to commit.', { code: 'input_audio_buffer_commit_empty' }));
        session.commit().catch((err: unknown) => fail(err));
        return;
      case 'end':
        void finish(CloseCode.NORMAL, 'end of stream', 'client');
        return;
    }
  });

  ws.on('close', () => {
    guard.stop();
    session?.close();
    onDone();
  });
  ws.on('error', (err) => logger.warn({ sessionId, err }, 'captions socket error'));
  return { finish: (closeCode, reason) => finish(closeCode, reason, 'server') };
}
