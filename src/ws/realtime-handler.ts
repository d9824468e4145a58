import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { ApiError, toApiError } from '../errors';
import type { Services } from '../services';
import type { FinalEvent, PartialEvent, StreamingEvent } from '../streaming/streaming-events';
import { StreamingTranscriber } from '../streaming/streaming-transcriber';
import { SentWords, spelledTokens, stableWordsOf } from '../streaming/word-tokens';
import { logprobEntries } from '../transcription/logprob-entries';
import { AudioIngest } from './audio-ingest';
import { CloseCode } from './close-codes';
import { decodeBase64Strict } from './base64';
import { ConnectionGuard } from './connection-guard';
import type { LiveStream } from './live-stream';
import { DEFAULT_TURN_DETECTION, encodingOf, sessionObject, type RealtimeSessionState } from './realtime-protocol';
import { applySessionUpdate } from './realtime-session-update';
import { closeWith, sendJson } from './send';
import { streamingConfigFor } from './streaming-session-config';

const newId = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`;

/**
 * One OpenAI Realtime transcription connection: `session.created` first; `session.update` (GA) or
 * `transcription_session.update` (beta) → `*.updated`; `input_audio_buffer.append/commit/clear`; server VAD
 * events, committed items, append-only transcription deltas while the user speaks, `.completed` with usage.
 */
export function handleRealtimeConnection(ws: WebSocket, req: IncomingMessage, services: Services, onDone: () => void): LiveStream {
  const { config, logger, registry, metrics } = services;
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

  let transcriber: StreamingTranscriber | null = null;
  let ingest: AudioIngest | null = null;
  /**
   * A session.update that changes how audio is processed starts a new transcriber; `generation` tells their
   * utterances apart and `offsetMs` keeps `audio_*_ms` counted from the session's first audio.
   */
  let generation = 0;
  let offsetMs = 0;
  /** item ids by utterance (generation:index), and the item before each (for `previous_item_id`). */
  const items = new Map<string, string>();
  let lastItemId: string | null = null;
  const committedItems = new Set<string>();
  const previousItems = new Map<string, string | null>();
  const itemFor = (utterance: string) => {
    let id = items.get(utterance);
    if (!id) {
      id = newId('item');
      items.set(utterance, id);
    }
    return id;
  };
  const announceCommit = (utterance: string) => {
    if (committedItems.has(utterance)) return;
    committedItems.add(utterance);
    const itemId = itemFor(utterance);
    send('input_audio_buffer.committed', { previous_item_id: lastItemId, item_id: itemId });
    const previousItemId = lastItemId;
    previousItems.set(utterance, previousItemId);
    const item = userItem(itemId, null);
    if (state.flavor === 'beta') send('conversation.item.created', { previous_item_id: previousItemId, item });
    else send('conversation.item.added', { previous_item_id: previousItemId, item });
    lastItemId = itemId;
  };
  const userItem = (id: string, transcript: string | null) => ({
    id,
    object: 'realtime.item',
    type: 'message',
    status: 'completed',
    role: 'user',
    content: [{ type: 'input_audio', transcript }],
  });

  /** Each delta carries the tokens of only the words it adds (with `include` logprobs). */
  const sentWords = new SentWords();
  const deltaLogprobs = (utterance: string, event: PartialEvent | FinalEvent): { logprobs?: object[] } => {
    const { fresh, before } = sentWords.take(utterance, stableWordsOf(event));
    return state.logprobs ? { logprobs: logprobEntries(spelledTokens(fresh, before > 0)) } : {};
  };

  const eventsFor = (gen: number, baseMs: number) => (event: StreamingEvent) => {
    const key = event.type === 'error' && event.utteranceIndex === undefined ? '' : `${gen}:${(event as { utteranceIndex: number }).utteranceIndex}`;
    switch (event.type) {
      case 'speech_started':
        send('input_audio_buffer.speech_started', { audio_start_ms: Math.round(baseMs + event.audioStartMs), item_id: itemFor(key) });
        break;
      case 'speech_stopped':
        send('input_audio_buffer.speech_stopped', { audio_end_ms: Math.round(baseMs + event.audioEndMs), item_id: itemFor(key) });
        announceCommit(key);
        break;
      case 'partial':
        if (event.stableDelta) {
          send('conversation.item.input_audio_transcription.delta', { item_id: itemFor(key), content_index: 0, delta: event.stableDelta, ...deltaLogprobs(key, event) });
        }
        break;
      case 'final': {
        announceCommit(key);
        const itemId = itemFor(key);
        if (event.stableDelta) {
          send('conversation.item.input_audio_transcription.delta', { item_id: itemId, content_index: 0, delta: event.stableDelta, ...deltaLogprobs(key, event) });
        }
        sentWords.forget(key);
        const seconds = Math.max(0, event.endSec - event.startSec);
        send('conversation.item.input_audio_transcription.completed', {
          item_id: itemId,
          content_index: 0,
          transcript: event.text,
          ...(state.logprobs ? { logprobs: logprobEntries(spelledTokens(event.words, false)) } : {}),
          usage: { type: 'duration', seconds: Math.round(seconds * 1000) / 1000 },
        });
        if (state.flavor === 'ga') send('conversation.item.done', { previous_item_id: previousItems.get(key) ?? null, item: userItem(itemId, event.text) });
        metrics.audioSeconds.inc({ model: state.model, mode: 'stream' }, seconds);
        break;
      }
      case 'error':
        if (event.utteranceIndex !== undefined) {
          const e = event.error;
          send('conversation.item.input_audio_transcription.failed', {
            item_id: itemFor(key),
            content_index: 0,
            error: { type: 'server_error', code: e.code, message: e.message, param: e.param },
          });
        } else error(event.error);
        break;
    }
  };

  const ensureTranscriber = () => {
    if (transcriber) return transcriber;
    ingest = new AudioIngest(encodingOf(state.format), state.format.rate);
    const td = state.turnDetection;
    transcriber = new StreamingTranscriber(
      {
        // The session's prompt and keywords are read at every recognition: a change applies from the next update on.
        recognizer: services.recognizer(registry.resolve(state.model).id, {
          get prompt() {
            return [state.prompt, ...state.keywords].join(' ');
          },
        }),
        vad: services.vad,
        onEvent: eventsFor(generation, offsetMs),
      },
      streamingConfigFor(config, td ? 'server_vad' : 'manual', td ? { threshold: td.threshold, silenceDurationMs: td.silence_duration_ms, prefixPaddingMs: td.prefix_padding_ms } : {}),
    );
    return transcriber;
  };

  /** Set once the server ends the session (shutdown, a limit): client events are ignored from then on. */
  let finishing: Promise<void> | null = null;
  /** Commits the open turn (its `...completed` is sent) and closes with `closeCode`. */
  const finish = (closeCode: number, reason: string): Promise<void> => {
    if (finishing) return finishing;
    guard.stop();
    const t = transcriber as StreamingTranscriber | null;
    const run = async () => {
      if (t) await t.end();
      closeWith(ws, closeCode, reason);
    };
    finishing = run().catch((err: unknown) => {
      error(err);
      closeWith(ws, CloseCode.INTERNAL_ERROR, 'server error');
    });
    return finishing;
  };

  const limits = { idleTimeoutMs: config.streamIdleTimeoutSec * 1000, maxAudioMs: config.maxStreamDurationSec * 1000, maxWallMs: config.maxStreamWallSec * 1000 };
  const guard = new ConnectionGuard(limits, (reason, message) => {
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
          if (transcriber && processingChanged) {
            // Clients may append before their session.update lands (Pipecat) or change options mid-session
            // (LiveKit): the audio not yet committed is dropped and a new transcriber takes the new settings.
            offsetMs += ingest!.receivedMs;
            transcriber.close();
            transcriber = null;
            ingest = null;
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
          const t = ensureTranscriber();
          let samples: Float32Array;
          try {
            samples = ingest!.push(bytes);
          } catch (err) {
            throw new ApiError(400, `Invalid audio: ${(err as Error).message}.`, { code: 'invalid_value', param: 'audio' });
          }
          if (!guard.audioReceived(ingest!.receivedMs)) return;
          t.pushAudio(samples);
          break;
        }
        case 'input_audio_buffer.commit': {
          if (!transcriber) {
            throw new ApiError(400, 'Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has 0.00ms of audio.', {
              code: 'input_audio_buffer_commit_empty',
            });
          }
          transcriber.commit().catch((err: unknown) => error(err, clientEventId));
          break;
        }
        case 'KeepAlive':
        case 'keepalive':
        case 'ping':
          // Sent by some clients (older LiveKit plugins) to keep proxies from timing out; not an error.
          break;
        case 'input_audio_buffer.clear':
          transcriber?.clear();
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
    (transcriber as StreamingTranscriber | null)?.close();
    onDone();
  });
  ws.on('error', (err) => logger.warn({ err }, 'realtime socket error'));
  return { finish };
}
