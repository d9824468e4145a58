/** Clients of the batching benchmark (batching.ts): a real-time caption stream and a burst of uploads. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { decodeWav } from '../../src/audio/wav';
import { DEFAULT_STREAMING_CONFIG } from '../../src/streaming/streaming-config';
import { REPO_ROOT, speechClip } from './bench-util';
import { wavBytesForBench } from './wav-bytes';

const SILENCE_MS = DEFAULT_STREAMING_CONFIG.vad.minSilenceMs;
const CHUNK_MS = 50;

export interface StreamClip {
  /** 16-bit PCM, 16 kHz mono. */
  pcm: Uint8Array;
  durationSec: number;
  /** Where each utterance's speech ends, in seconds. */
  speechEndSec: number[];
}

/** The two-utterance fixture twice, each copy followed by 1 s of silence: four utterances, about 13.5 s. */
export function streamClip(): StreamClip {
  const dir = path.join(REPO_ROOT, 'tests', 'fixtures');
  const samples = decodeWav(readFileSync(path.join(dir, 'speech-two-utterances.wav'))).samples;
  const speech = (JSON.parse(readFileSync(path.join(dir, 'speech-two-utterances.json'), 'utf8')) as { speech: { endSample: number }[] }).speech;
  const period = samples.length + 16000;
  const all = new Float32Array(2 * period);
  const speechEndSec: number[] = [];
  for (let k = 0; k < 2; k++) {
    all.set(samples, k * period);
    for (const s of speech) speechEndSec.push((k * period + s.endSample) / 16000);
  }
  return { pcm: wavBytesForBench(all).subarray(44), durationSec: all.length / 16000, speechEndSec };
}

export interface StreamOutcome {
  admitted: boolean;
  /** Per utterance that got its final: ms from sending its end of speech to the final, minus the VAD silence window. */
  finalMs: number[];
  /** Finals expected (utterances sent) and partials received. */
  expectedFinals: number;
  partials: number;
  /** Audio chunks the server refused (stream_lagging). */
  refusedChunks: number;
}

/** One caption stream fed at real time in 50 ms chunks after `delayMs`; refused streams (error + 1013) resolve at once. */
export async function runStream(wsUrl: string, clip: StreamClip, delayMs = 0): Promise<StreamOutcome> {
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  const outcome: StreamOutcome = { admitted: true, finalMs: [], expectedFinals: clip.speechEndSec.length, partials: 0, refusedChunks: 0 };
  const ws = new WebSocket(wsUrl);
  const finals: number[] = [];
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as { type: string; code?: string };
    if (m.type === 'partial') outcome.partials++;
    else if (m.type === 'final') finals.push(performance.now());
    else if (m.type === 'error' && m.code === 'stream_lagging') outcome.refusedChunks++;
  });
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('message', (data) => resolve((JSON.parse(data.toString()) as { type: string }).type === 'ready'));
    ws.once('error', () => resolve(false));
  });
  if (!opened) {
    await closed;
    return { ...outcome, admitted: false, expectedFinals: 0 };
  }
  const chunkBytes = (16000 * CHUNK_MS * 2) / 1000;
  const t0 = performance.now();
  for (let k = 0; k * chunkBytes < clip.pcm.length; k++) {
    const wait = t0 + (k + 1) * CHUNK_MS - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (ws.readyState !== WebSocket.OPEN) break;
    ws.send(clip.pcm.subarray(k * chunkBytes, (k + 1) * chunkBytes));
  }
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'end' }));
  await closed;
  const sentAt = (sec: number) => t0 + Math.ceil((sec * 1000) / CHUNK_MS) * CHUNK_MS;
  clip.speechEndSec.forEach((endSec, i) => {
    if (finals[i] !== undefined) outcome.finalMs.push(finals[i] - sentAt(endSec) - SILENCE_MS);
  });
  return outcome;
}

/** `count` uploads of a ≥ `seconds` s speech clip sent at once; per request wall time in ms and its audio seconds. */
export async function uploadBurst(baseUrl: string, count: number, seconds: number): Promise<{ latencyMs: number[]; audioSec: number; wallMs: number; failed: number }> {
  const samples = speechClip(seconds);
  const wav = wavBytesForBench(samples);
  const started = performance.now();
  const latencyMs: number[] = [];
  let failed = 0;
  await Promise.all(
    Array.from({ length: count }, async () => {
      const form = new FormData();
      form.append('file', new Blob([wav], { type: 'audio/wav' }), 'clip.wav');
      form.append('model', 'whisper-1');
      const t = performance.now();
      const response = await fetch(`${baseUrl}/v1/audio/transcriptions`, { method: 'POST', body: form });
      await response.arrayBuffer();
      if (response.ok) latencyMs.push(performance.now() - t);
      else failed++;
    }),
  );
  return { latencyMs, audioSec: (count - failed) * (samples.length / 16000), wallMs: performance.now() - started, failed };
}
