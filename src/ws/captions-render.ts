import type { LiveSessionEvent } from '../session/live-session';
import type { StreamWord } from '../streaming/local-agreement';
import { segmentWords } from '../transcription/transcript';
import type { CaptionsServerMessage, WireWord } from './captions-protocol';

const round = (sec: number) => Math.round(sec * 1000) / 1000;
const wireWords = (words: readonly StreamWord[]): WireWord[] => words.map((w) => ({ word: w.word, start: round(w.startSec), end: round(w.endSec) }));

/** A live session's event as a captions message (errors are rendered by the handler); null for none. */
export function renderCaptionsEvent(event: LiveSessionEvent): CaptionsServerMessage | null {
  switch (event.type) {
    case 'speech_started':
      return { type: 'speech_started', utterance_id: event.utteranceIndex, start: event.audioStartMs / 1000 };
    case 'speech_stopped':
      return { type: 'speech_stopped', utterance_id: event.utteranceIndex, end: event.audioEndMs / 1000 };
    case 'partial':
      return {
        type: 'partial',
        utterance_id: event.utteranceIndex,
        text: event.text,
        stable_text: event.stableText,
        unstable_text: event.unstableText,
        delta: event.stableDelta,
        words: wireWords(event.words),
        lag_ms: event.lagMs,
        is_final: false,
      };
    case 'final': {
      const words = event.words.map((w) => ({ word: w.word, startSec: w.startSec, endSec: w.endSec }));
      return {
        type: 'final',
        utterance_id: event.utteranceIndex,
        text: event.text,
        start: round(event.startSec),
        end: round(event.endSec),
        reason: event.reason,
        segments: segmentWords(words).map((s) => ({ id: s.id, start: round(s.startSec), end: round(s.endSec), text: s.text })),
        words: wireWords(event.words),
        is_final: true,
      };
    }
    case 'error':
      return null;
  }
}

/** The `end` message: the stream's duration in seconds. */
export function renderCaptionsEnd(durationSec: number): CaptionsServerMessage {
  return { type: 'end', duration: round(durationSec) };
}
