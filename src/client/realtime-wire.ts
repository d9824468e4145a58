/**
 * The OpenAI Realtime API in transcription mode as this server speaks it (`ws(s)://host/v1/realtime?intent=transcription`):
 * the client events it accepts and the server events it sends. Types only, no imports (usable in browsers).
 * Field names are OpenAI's; every server event also carries an `event_id`.
 */

export type RealtimeAudioFormat = { type: 'audio/pcm'; rate: number } | { type: 'audio/pcmu' } | { type: 'audio/pcma' };

export interface RealtimeTurnDetection {
  type: 'server_vad' | 'semantic_vad';
  /** Speech probability threshold, 0–1 (default 0.5). */
  threshold?: number;
  /** Audio kept before the detected start of speech, in ms (default 300). */
  prefix_padding_ms?: number;
  /** Silence that ends a turn, in ms (default 500). */
  silence_duration_ms?: number;
}

export interface RealtimeTranscriptionSettings {
  model?: string | null;
  language?: string | null;
  /** Words in the prompt are favoured (hotwords). */
  prompt?: string | null;
  keywords?: string[] | null;
}

/** The `session` of a GA `session.update` (transcription sessions). */
export interface RealtimeSessionUpdate {
  type?: 'transcription';
  audio?: {
    input?: {
      format?: RealtimeAudioFormat;
      transcription?: RealtimeTranscriptionSettings | null;
      /** `null`: no server VAD; turns end only at `input_audio_buffer.commit`. */
      turn_detection?: RealtimeTurnDetection | null;
      noise_reduction?: unknown;
    };
  };
  /** `['item.input_audio_transcription.logprobs']` adds `logprobs` to deltas and completions. */
  include?: string[] | null;
}

/** The `session` of a beta `transcription_session.update`. */
export interface RealtimeBetaSessionUpdate {
  input_audio_format?: 'pcm16' | 'g711_ulaw' | 'g711_alaw';
  input_audio_transcription?: RealtimeTranscriptionSettings | null;
  turn_detection?: RealtimeTurnDetection | null;
  input_audio_noise_reduction?: unknown;
  include?: string[] | null;
}

export type RealtimeClientEvent = { event_id?: string } & (
  | { type: 'session.update'; session: RealtimeSessionUpdate }
  | { type: 'transcription_session.update'; session: RealtimeBetaSessionUpdate }
  | { type: 'input_audio_buffer.append'; audio: string }
  | { type: 'input_audio_buffer.commit' }
  | { type: 'input_audio_buffer.clear' }
);

/** The session as `session.created` / `session.updated` report it (GA). */
export interface RealtimeSession {
  type: 'transcription';
  object: 'realtime.transcription_session';
  id: string;
  audio: {
    input: {
      format: RealtimeAudioFormat;
      transcription: { model: string; language: string | null; prompt: string; keywords?: string[] };
      turn_detection: Required<RealtimeTurnDetection> | null;
      noise_reduction: null;
    };
  };
  include: string[];
}

/** The session as the beta `transcription_session.updated` reports it. */
export interface RealtimeBetaSession {
  id: string;
  object: 'realtime.transcription_session';
  input_audio_format: 'pcm16' | 'g711_ulaw' | 'g711_alaw';
  input_audio_transcription: { model: string; language: string | null; prompt: string };
  turn_detection: Required<RealtimeTurnDetection> | null;
  input_audio_noise_reduction: null;
  include: string[] | null;
}

export interface RealtimeLogprob {
  token: string;
  logprob: number;
  bytes: number[];
}

export interface RealtimeItem {
  id: string;
  object: 'realtime.item';
  type: 'message';
  status: 'completed';
  role: 'user';
  content: { type: 'input_audio'; transcript: string | null }[];
}

export interface RealtimeErrorDetail {
  type: 'invalid_request_error' | 'server_error';
  code: string | null;
  message: string;
  param: string | null;
  /** The client event that caused it, when it carried an `event_id`. */
  event_id: string | null;
}

/** Every server event by its `type`. */
export interface RealtimeServerEvents {
  'session.created': { session: RealtimeSession };
  'session.updated': { session: RealtimeSession };
  'transcription_session.updated': { session: RealtimeBetaSession };
  'input_audio_buffer.speech_started': { audio_start_ms: number; item_id: string };
  'input_audio_buffer.speech_stopped': { audio_end_ms: number; item_id: string };
  'input_audio_buffer.committed': { previous_item_id: string | null; item_id: string };
  'input_audio_buffer.cleared': Record<string, never>;
  'conversation.item.added': { previous_item_id: string | null; item: RealtimeItem };
  'conversation.item.created': { previous_item_id: string | null; item: RealtimeItem };
  'conversation.item.done': { previous_item_id: string | null; item: RealtimeItem };
  /** Append-only text of the turn, sent while the user is still speaking. */
  'conversation.item.input_audio_transcription.delta': { item_id: string; content_index: number; delta: string; logprobs?: RealtimeLogprob[] };
  'conversation.item.input_audio_transcription.completed': {
    item_id: string;
    content_index: number;
    transcript: string;
    logprobs?: RealtimeLogprob[];
    usage: { type: 'duration'; seconds: number };
  };
  'conversation.item.input_audio_transcription.failed': { item_id: string; content_index: number; error: Omit<RealtimeErrorDetail, 'event_id'> };
  error: { error: RealtimeErrorDetail };
}

export type RealtimeServerEventType = keyof RealtimeServerEvents;

/** One server event: its `type`, `event_id` and that type's fields. */
export type RealtimeServerEvent<K extends RealtimeServerEventType = RealtimeServerEventType> = K extends RealtimeServerEventType
  ? { type: K; event_id: string } & RealtimeServerEvents[K]
  : never;
