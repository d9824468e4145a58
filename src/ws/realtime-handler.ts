import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { ApiError, toApiError } from '../errors';
import type { Services } from '../services';
import type { LiveSession } from '../session/live-session';
import { CloseCode } from './close-codes';
import type { LiveStream } from './live-stream';
import { appendedAudio, KEEPALIVE_EVENTS, parseRealtimeEvent, unhandledEventError } from './realtime-events';
import { RealtimeItems, newRealtimeId as newId } from './realtime-items';
import { encodingOf, sessionObject, type RealtimeSessionState } from './realtime-protocol';
import { applySessionUpdate, initialSessionState } from './realtime-session-update';
import { closeWith, sendJson } from './send';
import { traceStream } from './stream-trace';

/**
 * One OpenAI Realtime transcription connection: `session.created` first; `session.update` (GA) or
 * `transcription_session.update` (beta) → `*.updated`; `input_audio_buffer.append/commit/clear`; server VAD
 * events, committed items, append-only transcription deltas while the user speaks, `.completed` with usage.
 * Parses the protocol, runs a live session, renders its events (realtime-items.ts).
 */
export function handleRealtimeConnection(ws: WebSocket, req: IncomingMessage, services: Services, onDone: () => void): LiveStream {
  const { logger, registry, engine } = services;
  const url = new URL(req.url ?? '/', 'http://localhost');
  const send = (type: string, fields: object = {}) => sendJson(ws, { type, event_id: newId('event'), ...fields });
  const error = (err: unknown, clientEventId: string | null = null) => {
    const e = toApiError(err);
    if (e.status >= 500) logger.error({ err: e.cause ?? err }, 'realtime stream error');
    send('error', { error: { type: e.status >= 500 ? 'server_error' : 'invalid_request_error', code: e.code, message: e.message, param: e.param, event_id: clientEventId } });
  };

  let state: RealtimeSessionState = initialSessionState(newId('sess'), url.searchParams.get('model'), registry);
  // Spans for the recognitions of every live session of this connection, under one root carrying the session id.
  const trace = traceStream(services.tracing, req, ws, state.id);

  let session: LiveSession | null = null;
  /**
   * A session.update that changes how audio is processed starts a new live session: `generation` tells their
   * utterances apart and `offsetMs` keeps `audio_*_ms` counted from the connection's first audio.
   */
  let generation = 0;
  let offsetMs = 0;
  const items = new RealtimeItems(send, () => state);

  const ensureSession = (): LiveSession =>
    (session ??= engine.openLiveSession(
      {
        modelId: engine.resolveModel(state.model),
        input: { encoding: encodingOf(state.format), sampleRateHz: state.format.rate },
        turnDetection: state.turnDetection ? 'server_vad' : 'manual',
        vad: state.turnDetection
          ? { threshold: state.turnDetection.threshold, silenceDurationMs: state.turnDetection.silence_duration_ms, prefixPaddingMs: state.turnDetection.prefix_padding_ms }
          : {},
        // The session's prompt and keywords are read at every recognition: a change applies from the next update on.
        bias: {
          get prompt() {
            return [state.prompt, ...state.keywords].join(' ');
          },
          get language() {
            return state.language ?? undefined;
          },
        },
        mode: 'stream',
        guard,
        trace,
      },
      { onEvent: items.handlerFor(generation, offsetMs, (err) => error(err)) },
    ));

  /** Set once the server ends the session (shutdown, a limit): client events are ignored from then on. */
  let finishing: Promise<void> | null = null;
  /** Commits the open turn (its `...completed` is sent) and closes with `closeCode`. */
  const finish = (closeCode: number, reason: string): Promise<void> => {
    if (finishing) return finishing;
    guard.stop();
    const s = session;
    const run = async () => {
      if (s) await s.finish();
      closeWith(ws, closeCode, reason);
    };
    finishing = run().catch((err: unknown) => {
      error(err);
      closeWith(ws, CloseCode.INTERNAL_ERROR, 'server error');
    });
    return finishing;
  };

  const guard = engine.streamGuard((reason, message) => {
    // Say why, then commit what was heard before closing.
    error(new ApiError(400, message, { code: reason }));
    void finish(CloseCode.POLICY_VIOLATION, message);
  });

  send('session.created', { session: sessionObject(state) });

  ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
    if (finishing) return;
    let clientEventId: string | null = null;
    try {
      const event = parseRealtimeEvent(data, isBinary);
      clientEventId = typeof event.event_id === 'string' ? event.event_id : null;
      const type = String(event.type);
      if (type === 'session.update' || type === 'transcription_session.update') {
        const flavor = type === 'session.update' ? 'ga' : 'beta';
        const next = applySessionUpdate({ ...state, flavor }, event.session, registry);
        const processingChanged = JSON.stringify([next.format, next.model, next.turnDetection]) !== JSON.stringify([state.format, state.model, state.turnDetection]);
        if (session && processingChanged) {
          // Clients may append before their session.update lands (Pipecat) or change options mid-session
          // (LiveKit): the audio not yet committed is dropped and a new live session takes the new settings.
          offsetMs += session.receivedMs;
          session.close();
          session = null;
          generation++;
        }
        state = next;
        send(flavor === 'ga' ? 'session.updated' : 'transcription_session.updated', { session: sessionObject(state) });
      } else if (type === 'input_audio_buffer.append') {
        const bytes = appendedAudio(event);
        if (bytes.length > 0) pushAudio(bytes); // no audio: does not count against the idle timeout
      } else if (type === 'input_audio_buffer.commit') {
        if (!session) {
          throw new ApiError(400, 'Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has 0.00ms of audio.', { code: 'input_audio_buffer_commit_empty' });
        }
        const id = clientEventId;
        session.commit().catch((err: unknown) => error(err, id));
      } else if (type === 'input_audio_buffer.clear') {
        session?.clear();
        send('input_audio_buffer.cleared');
      } else if (!KEEPALIVE_EVENTS.has(type)) {
        throw unhandledEventError(event.type);
      }
    } catch (err) {
      error(err, clientEventId);
    }
  });

  /** One appended frame into the live session (started by the first one). */
  function pushAudio(bytes: Uint8Array): void {
    try {
      ensureSession().pushBytes(bytes);
    } catch (err) {
      const e = toApiError(err);
      throw e.code === 'invalid_audio_frame' ? new ApiError(400, e.message.replace('audio frame', 'audio'), { code: 'invalid_value', param: 'audio' }) : e;
    }
  }

  ws.on('close', () => {
    guard.stop();
    session?.close();
    onDone();
  });
  ws.on('error', (err) => logger.warn({ err }, 'realtime socket error'));
  return { finish };
}
