import { ApiError } from '../errors';
import { StreamWord } from './local-agreement';

/**
 * What a streaming transcription session reports to its transport. Times are absolute: milliseconds or
 * seconds since the first sample the session accepted (refused audio does not count).
 * `utteranceIndex` numbers the utterances of a session from 0.
 */
export type StreamingEvent = SpeechStartedEvent | SpeechStoppedEvent | PartialEvent | FinalEvent | StreamingErrorEvent;

/** The VAD detected speech (server VAD only). */
export interface SpeechStartedEvent {
  type: 'speech_started';
  utteranceIndex: number;
  /** Onset of the speech, in ms (the utterance's audio starts up to the prefix padding earlier). */
  audioStartMs: number;
}

/** The VAD detected the end of speech (server VAD only); the utterance's `final` follows. */
export interface SpeechStoppedEvent {
  type: 'speech_stopped';
  utteranceIndex: number;
  audioEndMs: number;
}

/** The utterance's text so far. `stableText` only ever grows by `stableDelta`; `unstableText` may change. */
export interface PartialEvent {
  type: 'partial';
  utteranceIndex: number;
  stableText: string;
  /** What this event appended to `stableText` (with its leading space); empty if only the unstable part changed. */
  stableDelta: string;
  unstableText: string;
  /** `stableText` and `unstableText` joined by a space. */
  text: string;
  /** Stable words then unstable words. */
  words: StreamWord[];
}

/** Why an utterance ended. */
export type FinalReason = 'silence' | 'max_length' | 'commit' | 'end';

/**
 * The utterance's complete transcript, the whole utterance decoded at once: authoritative, and independent of
 * the partials (it may revise their words). Nothing of it changes afterwards. On two models (STREAM_PARTIAL_MODEL)
 * it never revises them: it is the partials' stable text plus the final model's words after it (stable-prefix-final.ts).
 */
export interface FinalEvent {
  type: 'final';
  utteranceIndex: number;
  reason: FinalReason;
  /** Every word of the utterance joined by spaces. */
  text: string;
  /**
   * What `text` adds to the last partial's `stableText` (with its leading space when that was not empty) when
   * it extends it; '' when the final revises the partials' words.
   */
  stableDelta: string;
  words: StreamWord[];
  /** The utterance's audio, in stream seconds. */
  startSec: number;
  endSec: number;
}

/**
 * A failure. With `utteranceIndex`, that utterance's transcription failed and has no `final`; without, the
 * session itself hit a problem (e.g. the VAD was overloaded) and carries on.
 */
export interface StreamingErrorEvent {
  type: 'error';
  utteranceIndex?: number;
  error: ApiError;
}
