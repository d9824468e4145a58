/**
 * One benchmark stream over the captions WebSocket protocol, fed at real time, and the clip it plays: shared by
 * bench:streaming (streaming-latency.ts) and bench:streaming-dual (streaming-dual-model.ts).
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { decodeWav } from '../../src/audio/wav';
import { DEFAULT_STREAMING_CONFIG } from '../../src/streaming/streaming-config';
import { REPO_ROOT } from './bench-util';
import { wavBytesForBench } from './wav-bytes';

/** The VAD's silence window: a final cannot come sooner than this after the end of speech. */
export const SILENCE_MS = DEFAULT_STREAMING_CONFIG.vad.minSilenceMs;

export interface Clip {
  samples: Float32Array;
  /** Speech spans in seconds. */
  speech: { startSec: number; endSec: number }[];
  /** What is said in each span. */
  texts: string[];
}

/** The fixture three times with 1 s of silence after each copy: six utterances with known boundaries. */
export function benchClip(): Clip {
  const dir = path.join(REPO_ROOT, 'tests', 'fixtures');
  const f = {
    samples: decodeWav(readFileSync(path.join(dir, 'speech-two-utterances.wav'))).samples,
    ...(JSON.parse(readFileSync(path.join(dir, 'speech-two-utterances.json'), 'utf8')) as { texts: string[]; speech: { startSample: number; endSample: number }[] }),
  };
  const gap = 16000;
  const period = f.samples.length + gap;
  const samples = new Float32Array(period * 3);
  const speech: Clip['speech'] = [];
  for (let k = 0; k < 3; k++) {
    samples.set(f.samples, k * period);
    for (const s of f.speech) speech.push({ startSec: (k * period + s.startSample) / 16000, endSec: (k * period + s.endSample) / 16000 });
  }
  return { samples, speech, texts: [...f.texts, ...f.texts, ...f.texts] };
}

export interface StreamRun {
  /** Per reference word: ms from sending the chunk with its end to the first hypothesis holding it. */
  firstPartialMs: number[];
  /** Per utterance: ms from sending the end of its speech to its final, minus the VAD silence window. */
  finalMs: number[];
  /** Chunks refused for lagging. */
  refused: number;
  /** Each final's text and the stable text its utterance's partials had sent before it. */
  finals: { text: string; stableBefore: string }[];
}

/**
 * Streams the clip once at real time in `chunkMs` chunks to `wsUrl` (a captions endpoint, with `?model=` if
 * wanted). `firstWords` are reference word times (a file transcription of the same audio).
 */
export async function streamOnce(wsUrl: string, c: Clip, chunkMs: number, firstWords: { startSec: number; endSec: number }[]): Promise<StreamRun> {
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  const result: StreamRun = { firstPartialMs: [], finalMs: [], refused: 0, finals: [] };
  const seen = new Set<number>();
  const finalAtMs: number[] = [];
  const stable = new Map<number, string>();
  let t0 = 0;
  const chunkSamples = (16000 * chunkMs) / 1000;
  const sentAt = (sec: number) => t0 + Math.ceil((sec * 1000) / chunkMs) * chunkMs;
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as { type: string; code?: string; text?: string; stable_text?: string; utterance_id?: number; words?: { word: string; start: number; end: number }[] };
    const now = performance.now();
    if (m.type === 'error' && m.code === 'stream_lagging') result.refused++;
    if ((m.type === 'partial' || m.type === 'final') && m.words) {
      // A reference word has appeared once some hypothesis holds a word over the same stretch of audio
      // (by time, not spelling: a small model may spell it differently from one pass to the next).
      firstWords.forEach((w, i) => {
        if (seen.has(i)) return;
        // ...and reaches the word's end (within two 40 ms frames): the whole word, not a fragment of it.
        if (m.words!.some((h) => h.start < w.endSec && h.end > w.startSec && h.end >= w.endSec - 0.08)) {
          seen.add(i);
          result.firstPartialMs.push(now - sentAt(w.endSec));
        }
      });
    }
    if (m.type === 'partial') stable.set(m.utterance_id!, m.stable_text ?? '');
    if (m.type === 'final') {
      finalAtMs.push(now);
      result.finals.push({ text: m.text ?? '', stableBefore: stable.get(m.utterance_id!) ?? '' });
    }
  });
  const done = new Promise((resolve) => ws.once('close', resolve));
  const pcm = wavBytesForBench(c.samples).subarray(44);
  t0 = performance.now();
  for (let k = 0; k * chunkSamples < c.samples.length; k++) {
    const due = t0 + (k + 1) * chunkMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    ws.send(pcm.subarray(k * chunkSamples * 2, (k + 1) * chunkSamples * 2));
  }
  ws.send(JSON.stringify({ type: 'end' }));
  await done;
  // Pair finals with utterances in order (finals arrive in order, one per utterance).
  c.speech.forEach((s, i) => {
    if (finalAtMs[i] !== undefined) result.finalMs.push(finalAtMs[i] - sentAt(s.endSec) - SILENCE_MS);
  });
  return result;
}

/** Word times of the first word of each utterance, from a verbose file transcription of the clip on `baseUrl`. */
export async function firstWordsOf(baseUrl: string, c: Clip, model?: string): Promise<{ startSec: number; endSec: number }[]> {
  const form = new FormData();
  form.append('file', new Blob([wavBytesForBench(c.samples)], { type: 'audio/wav' }), 'clip.wav');
  form.append('response_format', 'verbose_json');
  form.append('timestamp_granularities[]', 'word');
  if (model) form.append('model', model);
  const verbose = (await (await fetch(`${baseUrl}/v1/audio/transcriptions`, { method: 'POST', body: form })).json()) as { words: { word: string; start: number; end: number }[] };
  return c.speech
    .map((s) => verbose.words.find((w) => w.start >= s.startSec - 0.3 && w.start < s.endSec))
    .filter((w): w is { word: string; start: number; end: number } => Boolean(w))
    .map((w) => ({ startSec: w.start, endSec: w.end }));
}
