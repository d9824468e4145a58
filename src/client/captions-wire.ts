/**
 * The live-captions protocol's messages as they travel on the wire (`ws(s)://host/v1/audio/transcriptions`).
 * Types only, no imports: the client (Node and browser) depends on nothing of the server's. The server's own
 * types (src/ws/captions-protocol.ts) are checked against these in wire-types.test.ts, so the two cannot drift.
 * Times are seconds from the start of the stream.
 */

export type CaptionsEncoding = 'pcm16' | 'float32' | 'mulaw' | 'alaw';
export type CaptionsTurnDetection = 'server_vad' | 'manual';

/** A word with its times in seconds from the start of the stream. */
export interface CaptionsWord {
  word: string;
  start: number;
  end: number;
}

/** Client → server: optional, before the audio (answered with `configured`). */
export interface CaptionsConfigMessage {
  type: 'config';
  model?: string;
  language?: string;
  /** 8000–48000 Hz. */
  sample_rate?: number;
  encoding?: CaptionsEncoding;
  /** `server_vad` (default): utterances end at silences. `manual`: only `commit`/`end` end them. */
  turn_detection?: CaptionsTurnDetection;
  vad?: { threshold?: number; min_silence_ms?: number; min_speech_ms?: number; prefix_padding_ms?: number };
}

export type CaptionsClientMessage =
  | CaptionsConfigMessage
  | { type: 'audio'; audio: string }
  | { type: 'commit' }
  | { type: 'end' };

export interface CaptionsReadyMessage {
  type: 'ready';
  session_id: string;
  model: string;
  sample_rate: number;
  encoding: string;
  turn_detection: string;
  protocol: 'captions.v1';
}

export interface CaptionsConfiguredMessage {
  type: 'configured';
  model: string;
  language: string;
  sample_rate: number;
  encoding: string;
  turn_detection: string;
}

export interface CaptionsSpeechStartedMessage {
  type: 'speech_started';
  utterance_id: number;
  start: number;
}

export interface CaptionsSpeechStoppedMessage {
  type: 'speech_stopped';
  utterance_id: number;
  end: number;
}

/** The running hypothesis of the open utterance: `stable_text` only ever grows (by `delta`); `unstable_text` may change. */
export interface CaptionsPartialMessage {
  type: 'partial';
  utterance_id: number;
  text: string;
  stable_text: string;
  unstable_text: string;
  /** What this message appended to `stable_text`. */
  delta: string;
  words: CaptionsWord[];
  /** How far this hypothesis trails the audio received so far, in ms (the stream's lag). */
  lag_ms: number;
  is_final: false;
}

export interface CaptionsFinalMessage {
  type: 'final';
  utterance_id: number;
  text: string;
  start: number;
  end: number;
  /** Why the utterance ended (a silence, `commit`, `end`, a length cap). */
  reason: string;
  segments: { id: number; start: number; end: number; text: string }[];
  words: CaptionsWord[];
  is_final: true;
}

export interface CaptionsErrorMessage {
  type: 'error';
  /** Stable error code (`invalid_json`, `idle_timeout`, `too_many_streams`, ...). */
  code: string;
  message: string;
  param?: string | null;
}

/** The last message of a stream the client ended (`end`); the server closes with 1000 after it. */
export interface CaptionsEndMessage {
  type: 'end';
  /** Seconds of audio received. */
  duration: number;
}

export type CaptionsServerMessage =
  | CaptionsReadyMessage
  | CaptionsConfiguredMessage
  | CaptionsSpeechStartedMessage
  | CaptionsSpeechStoppedMessage
  | CaptionsPartialMessage
  | CaptionsFinalMessage
  | CaptionsErrorMessage
  | CaptionsEndMessage;
