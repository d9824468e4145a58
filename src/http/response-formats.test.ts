import type { Transcript } from '../transcription/transcript';
import { renderTranscript } from './response-formats';

const transcript: Transcript = {
  text: 'hello world again',
  language: 'english',
  durationSec: 3661.5,
  words: [
    { word: 'hello', startSec: 0.5, endSec: 0.9 },
    { word: 'world', startSec: 1.0, endSec: 1.44 },
    { word: 'again', startSec: 3660.0, endSec: 3661.2345 },
  ],
  segments: [
    { id: 0, startSec: 0.5, endSec: 1.44, text: 'hello world', words: [] },
    { id: 1, startSec: 3660.0, endSec: 3661.2345, text: 'again', words: [] },
  ],
  logprobs: [
    { token: ' hel', logprob: -0.1234567 },
    { token: 'lo', logprob: -0.01 },
  ],
};

describe('renderTranscript', () => {
  test('json carries text and duration usage', () => {
    const r = renderTranscript(transcript, 'json', { granularities: [] });
    expect(r.contentType).toBe('application/json');
    expect(JSON.parse(r.body)).toEqual({ text: 'hello world again', usage: { type: 'duration', seconds: 3662 } });
  });

  test('json with include[]=logprobs carries OpenAI logprob entries', () => {
    const body = JSON.parse(renderTranscript(transcript, 'json', { granularities: [], logprobs: true }).body);
    expect(body.logprobs).toEqual([
      { token: ' hel', logprob: -0.123457, bytes: [32, 104, 101, 108] },
      { token: 'lo', logprob: -0.01, bytes: [108, 111] },
    ]);
  });

  test('text is the transcript and a newline', () => {
    expect(renderTranscript(transcript, 'text', { granularities: [] }).body).toBe('hello world again\n');
  });

  test('srt numbers cues from 1 with comma milliseconds and hours', () => {
    expect(renderTranscript(transcript, 'srt', { granularities: [] }).body).toBe(
      '1\n00:00:00,500 --> 00:00:01,440\nhello world\n\n2\n01:01:00,000 --> 01:01:01,235\nagain\n',
    );
  });

  test('vtt has the header and dot milliseconds', () => {
    const body = renderTranscript(transcript, 'vtt', { granularities: [] }).body;
    expect(body.startsWith('WEBVTT\n\n00:00:00.500 --> 00:00:01.440\nhello world\n')).toBe(true);
    expect(body).toContain('01:01:00.000 --> 01:01:01.235\nagain');
  });

  test.each([
    [[], true, false],
    [['segment'], true, false],
    [['word'], false, true],
    [['word', 'segment'], true, true],
  ] as const)('verbose_json with granularities %j: segments=%s words=%s', (granularities, segments, words) => {
    const body = JSON.parse(renderTranscript(transcript, 'verbose_json', { granularities }).body);
    expect(body).toMatchObject({ task: 'transcribe', language: 'english', duration: 3661.5, text: 'hello world again' });
    expect('segments' in body).toBe(segments);
    expect('words' in body).toBe(words);
    if (words) expect(body.words[2]).toEqual({ word: 'again', start: 3660, end: 3661.235 });
    if (segments) expect(body.segments[0]).toMatchObject({ id: 0, start: 0.5, end: 1.44, text: 'hello world' });
  });

  test('verbose_json of a translation says so', () => {
    expect(JSON.parse(renderTranscript(transcript, 'verbose_json', { granularities: [], task: 'translate' }).body).task).toBe('translate');
  });

  test('diarized_json labels every segment with one speaker', () => {
    const body = JSON.parse(renderTranscript(transcript, 'diarized_json', { granularities: [] }).body);
    expect(body.segments[1]).toEqual({ type: 'transcript.text.segment', id: 'seg_1', start: 3660, end: 3661.235, text: 'again', speaker: 'A' });
  });
});
