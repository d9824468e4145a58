import type WebSocket from 'ws';
import { ApiError } from '../errors';
import { decodeBase64Strict } from './base64';

/** A client event as sent: an object with a `type`, and maybe the client's `event_id`. */
export interface RealtimeClientEvent {
  type?: unknown;
  event_id?: unknown;
  [field: string]: unknown;
}

/** Events of the conversation API that a transcription session does not offer (a clear 400, not "unknown"). */
const CONVERSATION_EVENTS = new Set([
  'conversation.item.retrieve',
  'response.create',
  'response.cancel',
  'conversation.item.create',
  'conversation.item.delete',
  'conversation.item.truncate',
  'output_audio_buffer.clear',
]);

/** Keep-alives some clients send (older LiveKit plugins) so proxies do not time out: not an error. */
export const KEEPALIVE_EVENTS = new Set(['KeepAlive', 'keepalive', 'ping']);

/** Parses one WebSocket message into a client event; throws the 400 a malformed one gets. */
export function parseRealtimeEvent(data: WebSocket.RawData, isBinary: boolean): RealtimeClientEvent {
  if (isBinary) {
    throw new ApiError(400, 'Binary frames are not part of the Realtime protocol; send input_audio_buffer.append with base64 audio.', { code: 'invalid_message' });
  }
  const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');
  try {
    const event = JSON.parse(text) as unknown;
    if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new Error('not an object');
    return event as RealtimeClientEvent;
  } catch {
    throw new ApiError(400, "The message is not a valid JSON event (expected an object with a 'type').", { code: 'invalid_json' });
  }
}

/** The audio bytes of an `input_audio_buffer.append`; throws a 400 `invalid_value` for anything but strict base64. */
export function appendedAudio(event: RealtimeClientEvent): Uint8Array {
  if (typeof event.audio !== 'string') throw new ApiError(400, "input_audio_buffer.append needs 'audio' as a base64 string.", { code: 'invalid_value', param: 'audio' });
  const bytes = decodeBase64Strict(event.audio);
  if (!bytes) throw new ApiError(400, "Invalid 'audio': expected base64-encoded audio bytes.", { code: 'invalid_value', param: 'audio' });
  return bytes;
}

/** The 400 for an event type this service does not handle. */
export function unhandledEventError(type: unknown): ApiError {
  if (typeof type === 'string' && CONVERSATION_EVENTS.has(type)) {
    return new ApiError(400, `'${type}' is not available in a transcription session.`, { code: 'unsupported_event', param: 'type' });
  }
  return new ApiError(400, `Unknown event type '${String(type)}'.`, { code: 'invalid_event', param: 'type' });
}
