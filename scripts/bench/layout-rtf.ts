/**
 * Real-time factor per layout on synthetic models of the published architectures' sizes (random weights; see
 * synthetic-layouts.ts and scripts/bench/make-synthetic-*.py), so a user can size a machine:
 *
 *   npm run bench:layouts
 *   BENCH_LAYOUT_MODELS_DIR=/tmp/bench-models BENCH_AUDIO_SEC=60 BENCH_SEGMENT_SEC=15 BENCH_RUNS=3 \
 *     BENCH_LAYOUTS=whisper-tiny,moonshine-tiny npm run bench:layouts
 *
 * Each model is loaded through the service's own code (detectModelLayout + loadModel, as the inference workers
 * load it) in a child process of its own per thread count, so its peak RSS is its own. The audio (the test speech
 * clips joined and repeated) is decoded as the server decodes it: offline layouts utterance by utterance
 * (BENCH_SEGMENT_SEC pieces, as the VAD cuts a file), the streaming Zipformer as one live stream fed in 100 ms
 * chunks and decoded chunk by chunk from its state. RTF = decoding time / audio time, median of BENCH_RUNS runs
 * after a warm-up; features, model and search included.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { GREEDY_DECODING } from '../../src/model/decoding';
import { detectModelLayout } from '../../src/model/model-layout';
import { loadModel, recognizeWith } from '../../src/model/offline-recognizer';
import { isOnlineModel, type OnlineAcousticModel } from '../../src/model/online-acoustic-model';
import type { AcousticModel } from '../../src/model/acoustic-model';
import { median, speechClip } from './bench-util';
import { ensureBuilt, layoutKey, onnxBytes, SYNTHETIC_LAYOUTS, syntheticInfo, type SyntheticLayout } from './synthetic-layouts';

const MODELS_DIR = process.env.BENCH_LAYOUT_MODELS_DIR ?? '/tmp/bench-models';
const AUDIO_SEC = Number(process.env.BENCH_AUDIO_SEC ?? 60);
const SEGMENT_SEC = Number(process.env.BENCH_SEGMENT_SEC ?? 15);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const THREADS = (process.env.BENCH_THREADS ?? '1,2').split(',').map(Number);
const STREAM_CHUNK_SAMPLES = 1600;

interface ChildResult {
  rtf: number;
  tokensPerSec: number;
  loadMs: number;
  peakRssMB: number;
}

/** The fixed audio: AUDIO_SEC of speech, and the utterances an offline model is given. */
function benchAudio(): { audio: Float32Array; segments: Float32Array[] } {
  const audio = speechClip(AUDIO_SEC).subarray(0, AUDIO_SEC * 16000);
  const segments: Float32Array[] = [];
  for (let at = 0; at < audio.length; at += SEGMENT_SEC * 16000) segments.push(audio.subarray(at, at + SEGMENT_SEC * 16000));
  return { audio, segments };
}

/** One pass over the audio; returns the number of tokens decoded. */
async function decodeOnce(model: AcousticModel, audio: Float32Array, segments: Float32Array[]): Promise<number> {
  if (isOnlineModel(model)) return streamOnce(model, audio);
  let tokens = 0;
  for (const segment of segments) tokens += (await recognizeWith(model, segment, { language: 'en' })).tokens.length;
  return tokens;
}

async function streamOnce(model: OnlineAcousticModel, audio: Float32Array): Promise<number> {
  const stream = model.createStream();
  for (let at = 0; at < audio.length; at += STREAM_CHUNK_SAMPLES) await stream.acceptWaveform(audio.subarray(at, at + STREAM_CHUNK_SAMPLES));
  await stream.inputFinished();
  return stream.result().tokens.length;
}

async function child(key: string, threads: number): Promise<void> {
  const entry = SYNTHETIC_LAYOUTS.find((e) => layoutKey(e) === key);
  if (!entry) throw new Error(`unknown layout ${key}`);
  const layout = detectModelLayout(path.join(MODELS_DIR, entry.folder), entry.precision);
  if ('error' in layout) throw new Error(`${key}: ${layout.error}`);
  const loadStarted = performance.now();
  const model = await loadModel(layout, { executionProvider: 'cpu', threads }, GREEDY_DECODING);
  const loadMs = performance.now() - loadStarted;
  const { audio, segments } = benchAudio();
  await decodeOnce(model, audio.subarray(0, SEGMENT_SEC * 16000), segments.slice(0, 1)); // warm-up
  const times: number[] = [];
  let tokens = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    tokens = await decodeOnce(model, audio, segments);
    times.push(performance.now() - t0);
  }
  const audioSec = audio.length / 16000;
  const result: ChildResult = { rtf: median(times) / 1000 / audioSec, tokensPerSec: tokens / audioSec, loadMs, peakRssMB: process.resourceUsage().maxRSS / 1024 };
  console.log(`RESULT ${JSON.stringify(result)}`);
}

function runChild(entry: SyntheticLayout, threads: number): ChildResult {
  const out = execFileSync(process.execPath, [__filename], {
    env: { ...process.env, BENCH_LAYOUT_CHILD: `${layoutKey(entry)}:${threads}` },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${entry.folder}: no result`);
  return JSON.parse(line.slice('RESULT '.length)) as ChildResult;
}

function main(): void {
  const wanted = process.env.BENCH_LAYOUTS?.split(',');
  const entries = SYNTHETIC_LAYOUTS.filter((e) => !wanted || wanted.includes(e.folder) || wanted.includes(layoutKey(e)));
  const { audio, segments } = benchAudio();
  console.log(
    `audio: ${(audio.length / 16000).toFixed(0)} s of speech; offline layouts get ${segments.length} utterances of <= ${SEGMENT_SEC} s, ` +
      `the streaming one a live stream in ${STREAM_CHUNK_SAMPLES / 16} ms chunks; median of ${RUNS} runs after a warm-up; intra-op threads ${THREADS.join(' and ')}\n`,
  );
  const header = ['model (random weights, published size)', 'layout', 'precision', 'params (M)', 'ONNX (MB)', ...THREADS.map((t) => `RTF ${t} thr`), 'tokens/s', 'load s', 'peak RSS (MB)'];
  const rows: string[][] = [];
  const startedAt = new Date().toISOString();
  const loads: number[] = [];
  for (const entry of entries) {
    loads.push(loadavg()[0]);
    const dir = ensureBuilt(entry, MODELS_DIR);
    const info = syntheticInfo(dir);
    const results = THREADS.map((t) => runChild(entry, t));
    const row = [
      entry.name,
      entry.layout,
      entry.precision,
      (info.parameters / 1e6).toFixed(1),
      (onnxBytes(dir, entry.precision) / 1e6).toFixed(0),
      ...results.map((r) => r.rtf.toFixed(3)),
      results[0].tokensPerSec.toFixed(1),
      (results[0].loadMs / 1000).toFixed(1),
      Math.max(...results.map((r) => r.peakRssMB)).toFixed(0),
    ];
    rows.push(row);
    console.log(row.join(' | '));
  }
  loads.push(loadavg()[0]);
  console.log(`\n${startedAt} to ${new Date().toISOString()}; 1-minute load average before each model and at the end: ${loads.map((l) => l.toFixed(1)).join(', ')}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

const childSpec = process.env.BENCH_LAYOUT_CHILD;
if (childSpec) {
  const [key, threads] = childSpec.split(':');
  child(key, Number(threads)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main();
}
