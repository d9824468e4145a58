import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { ApiError, toApiError } from '../errors';
import type { Services } from '../services';
import type { LiveSession } from '../session/live-session';
import { decodeBase64Strict } from './base64';
import { CloseCode } from './close-codes';
import type { LiveStream } from './live-stream';
import { RealtimeItems, newRealtimeId as newId } from './realtime-items';
import { DEFAULT_TURN_DETECTION, encodingOf, sessionObject, type RealtimeSessionState } from './realtime-protocol';
import { applySessionUpdate } from './realtime-session-update';
import { closeWith, sendJson } from './send';

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

  const queryModel = url.searchParams.get('model');
  let state: RealtimeSessionState = {
    id: newId('sess'),
    flavor: 'ga',
    format: { type: 'audio/pcm', rate: 24000 },
    model: queryModel && isKnownModel(queryModel) ? queryModel : registry.defaultId,
    language: null,
    prompt: '',
    keywords: [],
    turnDetection: { ...DEFAULT_TURN_DETECTION },
    logprobs: false,
  };
  function isKnownModel(name: string): boolean {
    try {
      registry.resolve(name);
      return true;
    } catch {
      return false;
    }
  }

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
        },
        mode: 'stream',
        guard,
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
    if (isBinary) {
      error(new ApiError(400, 'Binary frames are not part of the Realtime protocol; send input_audio_buffer.append with base64 audio.', { code: 'invalid_message' }));
      return;
    }
    const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');
    let event: { type?: unknown; event_id?: unknown; [k: string]: unknown };
    try {
      event = JSON.parse(text);
      if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new Error('not an object');
    } catch {
      error(new ApiError(400, "The message is not a valid JSON event (expected an object with a 'type').", { code: 'invalid_json' }));
      return;
    }
    const clientEventId = typeof event.event_id === 'string' ? event.event_id : null;
    try {
      switch (event.type) {
        case 'session.update':
        case 'transcription_session.update': {
          const flavor = event.type === 'session.update' ? 'ga' : 'beta';
          const next = applySessionUpdate({ ...state, flavor }, event.session, registry);
          const processingChanged =
            JSON.stringify([next.format, next.model, next.turnDetection]) !== JSON.stringify([state.format, state.model, state.turnDetection]);
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
          break;
        }
        case 'input_audio_buffer.append': {
          if (typeof event.audio !== 'string') throw new ApiError(400, "input_audio_buffer.append needs 'audio' as a base64 string.", { code: 'invalid_value', param: 'audio' });
          const bytes = decodeBase64Strict(event.audio);
          if (!bytes) throw new ApiError(400, "Invalid 'audio': expected base64-encoded audio bytes.", { code: 'invalid_value', param: 'audio' });
          if (bytes.length === 0) break; // no audio: does not count against the idle timeout
          try {
            ensureSession().pushBytes(bytes);
          } catch (err) {
            const e = toApiError(err);
            throw e.code === 'invalid_audio_frame' ? new ApiError(400, e.message.replace('audio frame', 'audio'), { code: 'invalid_value', param: 'audio' }) : e;
          }
          break;
        }
        case 'input_audio_buffer.commit': {
          if (!session) {
            throw new ApiError(400, 'Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has 0.00ms of audio.', {
              code: 'input_audio_buffer_commit_empty',
            });
          }
          session.commit().catch((err: unknown) => error(err, clientEventId));
          break;
        }
        case 'KeepAlive':
        case 'keepalive':
        case 'ping':
          // Sent by some clients (older LiveKit plugins) to keep proxies from timing out; not an error.
          break;
        case 'input_audio_buffer.clear':
          session?.clear();
          send('input_audio_buffer.cleared');
          break;
        case 'conversation.item.retrieve':
        case 'response.create':
        case 'response.cancel':
        case 'conversation.item.create':
        case 'conversation.item.delete':
        case 'conversation.item.truncate':
        case 'output_audio_buffer.clear':
          throw new ApiError(400, `'${event.type}' is not available in a transcription session.`, { code: 'unsupported_event', param: 'type' });
        default:
          throw new ApiError(400, `Unknown event type '${String(event.type)}'.`, { code: 'invalid_event', param: 'type' });
      }
    } catch (err) {
      error(err, clientEventId);
    }
  });

  ws.on('close', () => {
    guard.stop();
    session?.close();
    onDone();
  });
  ws.on('error', (err) => logger.warn({ err }, 'realtime socket error'));
  return { finish };
}
