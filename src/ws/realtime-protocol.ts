import type { PcmEncoding } from '../audio/pcm';

/**
 * The OpenAI Realtime API in transcription mode: the session shapes we accept (GA `session.update` with
 * `audio.input`, and the beta/legacy `transcription_session.update` with flat `input_audio_*` fields) and the
 * session object we report. Unknown fields (noise_reduction, ...) are accepted and ignored.
 */

/** The `include` entry that asks for token log probabilities on transcription events. */
export const LOGPROBS_INCLUDE = 'item.input_audio_transcription.logprobs';
export interface RealtimeTurnDetection {
  type: 'server_vad';
  threshold: number;
  prefix_padding_ms: number;
  silence_duration_ms: number;
}

export interface RealtimeSessionState {
  id: string;
  /** Which event family the client speaks: GA (`session.*`) or beta (`transcription_session.*`). */
  flavor: 'ga' | 'beta';
  format: { type: 'audio/pcm' | 'audio/pcmu' | 'audio/pcma'; rate: number };
  model: string;
  language: string | null;
  prompt: string;
  /** `transcription.keywords`: favoured like the prompt's words. */
  keywords: string[];
  turnDetection: RealtimeTurnDetection | null;
  /** `include` has LOGPROBS_INCLUDE: delta and completed events carry `logprobs`. */
  logprobs: boolean;
}

export const DEFAULT_TURN_DETECTION: RealtimeTurnDetection = {
  type: 'server_vad',
  threshold: 0.5,
  prefix_padding_ms: 300,
  silence_duration_ms: 500,
};

export function encodingOf(format: RealtimeSessionState['format']): PcmEncoding {
  return format.type === 'audio/pcmu' ? 'mulaw' : format.type === 'audio/pcma' ? 'alaw' : 'pcm16';
}

/** The session object as `session.created` / `session.updated` (GA) or the `transcription_session.*` events (beta) carry it. */
export function sessionObject(s: RealtimeSessionState): object {
  if (s.flavor === 'beta') {
    const legacyFormat = s.format.type === 'audio/pcmu' ? 'g711_ulaw' : s.format.type === 'audio/pcma' ? 'g711_alaw' : 'pcm16';
    return {
      id: s.id,
      object: 'realtime.transcription_session',
      input_audio_format: legacyFormat,
      input_audio_transcription: { model: s.model, language: s.language, prompt: s.prompt },
      turn_detection: s.turnDetection,
      input_audio_noise_reduction: null,
      include: s.logprobs ? [LOGPROBS_INCLUDE] : null,
    };
  }
  return {
    type: 'transcription',
    object: 'realtime.transcription_session',
    id: s.id,
    audio: {
      input: {
        format: s.format,
        transcription: { model: s.model, language: s.language, prompt: s.prompt, ...(s.keywords.length ? { keywords: s.keywords } : {}) },
        turn_detection: s.turnDetection,
        noise_reduction: null,
      },
    },
    include: s.logprobs ? [LOGPROBS_INCLUDE] : [],
  };
}
