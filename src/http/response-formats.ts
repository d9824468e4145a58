import { logprobEntries } from '../transcription/logprob-entries';
import type { Transcript } from '../transcription/transcript';

export const RESPONSE_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt', 'diarized_json'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];
export type TimestampGranularity = 'word' | 'segment';

/** OpenAI's `usage` for duration-billed transcription. */
export function durationUsage(durationSec: number): { type: 'duration'; seconds: number } {
  return { type: 'duration', seconds: Math.ceil(durationSec) };
}

const round = (sec: number) => Math.round(sec * 1000) / 1000;

function timestamp(sec: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(sec * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

export function toSrt(t: Transcript): string {
  return t.segments.map((s, i) => `${i + 1}\n${timestamp(s.startSec, ',')} --> ${timestamp(s.endSec, ',')}\n${s.text}\n`).join('\n');
}

export function toVtt(t: Transcript): string {
  return `WEBVTT\n\n${t.segments.map((s) => `${timestamp(s.startSec, '.')} --> ${timestamp(s.endSec, '.')}\n${s.text}\n`).join('\n')}`;
}

/** OpenAI's verbose_json: segments and/or words per the requested granularities (segments by default). */
export function toVerboseJson(t: Transcript, granularities: readonly TimestampGranularity[], task: 'transcribe' | 'translate' = 'transcribe'): object {
  const wantWords = granularities.includes('word');
  const wantSegments = granularities.length === 0 || granularities.includes('segment');
  return {
    task,
    language: t.language,
    duration: round(t.durationSec),
    text: t.text,
    ...(wantWords ? { words: t.words.map((w) => ({ word: w.word, start: round(w.startSec), end: round(w.endSec) })) } : {}),
    ...(wantSegments
      ? {
          segments: t.segments.map((s) => ({
            id: s.id,
            seek: 0,
            start: round(s.startSec),
            end: round(s.endSec),
            text: s.text,
            tokens: [],
            temperature: 0,
            avg_logprob: 0,
            compression_ratio: 1,
            no_speech_prob: 0,
          })),
        }
      : {}),
    usage: durationUsage(t.durationSec),
  };
}

/** OpenAI's diarized_json; our models do not separate speakers, so every segment is speaker `A`. */
export function toDiarizedJson(t: Transcript): object {
  return {
    task: 'transcribe',
    duration: round(t.durationSec),
    text: t.text,
    segments: t.segments.map((s) => ({
      type: 'transcript.text.segment',
      id: `seg_${s.id}`,
      start: round(s.startSec),
      end: round(s.endSec),
      text: s.text,
      speaker: 'A',
    })),
    usage: durationUsage(t.durationSec),
  };
}


export interface RenderOptions {
  granularities: readonly TimestampGranularity[];
  task?: 'transcribe' | 'translate';
  /** `include[]=logprobs`: add token log probabilities to `json` responses. */
  logprobs?: boolean;
}

/** Renders a transcript as the HTTP body for `format`, with its content type. */
export function renderTranscript(t: Transcript, format: ResponseFormat, options: RenderOptions): { contentType: string; body: string } {
  const { granularities, task = 'transcribe' } = options;
  switch (format) {
    case 'text':
      return { contentType: 'text/plain; charset=utf-8', body: `${t.text}\n` };
    case 'srt':
      return { contentType: 'text/plain; charset=utf-8', body: toSrt(t) };
    case 'vtt':
      return { contentType: 'text/vtt; charset=utf-8', body: toVtt(t) };
    case 'verbose_json':
      return { contentType: 'application/json', body: JSON.stringify(toVerboseJson(t, granularities, task)) };
    case 'diarized_json':
      return { contentType: 'application/json', body: JSON.stringify(toDiarizedJson(t)) };
    case 'json':
      return {
        contentType: 'application/json',
        body: JSON.stringify({ text: t.text, ...(options.logprobs ? { logprobs: logprobEntries(t.logprobs) } : {}), usage: durationUsage(t.durationSec) }),
      };
  }
}
