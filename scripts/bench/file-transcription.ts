/**
 * File transcription benchmark, measured side by side in one run on the same ≥ 10 s clip:
 *   - raw model: onnxruntime `session.run` calls alone (encoder; plus decoder/joiner for transducers)
 *   - our pipeline in-process: features + model + greedy decoding
 *   - sherpa-onnx-node's OfflineRecognizer on the same model files and audio
 *   - our server end to end: HTTP multipart upload → JSON, through the worker pool
 * and prints the ratios the targets are stated in. Also feature extraction speed in × real time per core.
 *
 *   npm run bench            (all models under models/)
 *   BENCH_MODELS_DIR=... BENCH_RUNS=10 npm run bench
 */
import path from 'node:path';
import pino from 'pino';
import { FbankComputer, KALDI_FBANK_OPTIONS, NEMO_FBANK_OPTIONS } from '../../src/features/fbank';
import { parseConfig } from '../../src/config';
import { ModelRegistry } from '../../src/model/model-registry';
import { loadModel, recognizeWith } from '../../src/model/offline-recognizer';
import { startServer } from '../../src/server';
import { Services } from '../../src/services';
import { wavBytesForBench } from './wav-bytes';
import { median, REPO_ROOT, speechClip, timeMs } from './bench-util';
import { sherpaDecode, sherpaRecognizer } from './sherpa-reference';
import * as ort from 'onnxruntime-node';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const MODELS_DIR = process.env.BENCH_MODELS_DIR ?? path.join(REPO_ROOT, 'models');
const CLIP_SEC = Number(process.env.BENCH_CLIP_SEC ?? 12);

/** Counts the time spent inside onnxruntime's run() while `fn` executes. */
async function withRunTimer<T>(fn: () => Promise<T>): Promise<{ value: T; runMs: number }> {
  const proto = (ort.InferenceSession as unknown as { prototype: { run: (...args: unknown[]) => Promise<unknown> } }).prototype;
  const original = proto.run;
  let runMs = 0;
  proto.run = async function timedRun(this: unknown, ...args: unknown[]) {
    const t = performance.now();
    try {
      return await original.apply(this, args);
    } finally {
      runMs += performance.now() - t;
    }
  };
  try {
    const value = await fn();
    return { value, runMs };
  } finally {
    proto.run = original;
  }
}

async function main(): Promise<void> {
  const clip = speechClip(CLIP_SEC);
  const audioSec = clip.length / 16000;
  console.log(`clip: ${audioSec.toFixed(1)} s of speech at 16 kHz; ${RUNS} runs each, medians; one onnxruntime thread everywhere\n`);

  for (const [name, options] of [['kaldi fbank (transducer)', KALDI_FBANK_OPTIONS], ['nemo log-mel (CTC)', NEMO_FBANK_OPTIONS]] as const) {
    const computer = new FbankComputer(options);
    const out = new Float32Array(computer.numFrames(clip.length) * options.numMelBins);
    for (let i = 0; i < 5; i++) computer.compute(clip, out); // let the JIT settle
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await timeMs(() => computer.compute(clip, out)));
    const ms = median(times);
    console.log(`features ${name}: ${ms.toFixed(1)} ms = ${(audioSec / (ms / 1000)).toFixed(0)}x real time on one core`);
  }
  console.log('');

  const { registry } = ModelRegistry.scan(MODELS_DIR);
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', MODELS_DIR, INFERENCE_WORKERS: '1', INFERENCE_THREADS_PER_WORKER: '1', LOG_LEVEL: 'silent' });
  const services = new Services(config, pino({ level: 'silent' }));
  const server = await startServer(services, 0, '127.0.0.1');
  await services.start();
  const body = wavBytesForBench(clip);

  const rows: string[][] = [];
  for (const entry of registry.entries) {
    const model = await loadModel(entry.layout, { executionProvider: 'cpu', threads: 1 });
    const sherpa = sherpaRecognizer(entry.layout);
    const rawMs: number[] = [];
    const pipelineMs: number[] = [];
    const sherpaMs: number[] = [];
    const serverMs: number[] = [];
    let ours = '';
    let theirs = '';
    for (let i = 0; i < RUNS + 1; i++) {
      const t0 = performance.now();
      const { value, runMs } = await withRunTimer(() => recognizeWith(model, clip));
      const t1 = performance.now();
      theirs = sherpaDecode(sherpa, clip).text.trim();
      const t2 = performance.now();
      const form = new FormData();
      form.append('file', new Blob([body], { type: 'audio/wav' }), 'clip.wav');
      form.append('model', entry.id);
      const res = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
      const json = (await res.json()) as { text: string };
      const t3 = performance.now();
      ours = value.text;
      if (json.text !== ours) throw new Error(`server and in-process results differ for ${entry.id}`);
      if (i === 0) continue; // warm-up
      rawMs.push(runMs);
      pipelineMs.push(t1 - t0);
      sherpaMs.push(t2 - t1);
      serverMs.push(t3 - t2);
    }
    const [raw, pipe, sher, serv] = [rawMs, pipelineMs, sherpaMs, serverMs].map(median);
    rows.push([
      entry.id,
      raw.toFixed(1),
      pipe.toFixed(1),
      sher.toFixed(1),
      serv.toFixed(1),
      (serv / raw).toFixed(3),
      (serv / sher).toFixed(3),
      (raw / 1000 / audioSec).toFixed(4),
      ours === theirs ? 'same' : 'DIFFERENT',
    ]);
  }
  await server.close(1000);

  const header = ['model', 'raw run ms', 'pipeline ms', 'sherpa ms', 'server ms', 'server/raw', 'server/sherpa', 'RTF (raw)', 'text vs sherpa'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log('\nserver/raw: HTTP upload + WAV decode + features + worker hop + decoding + JSON, over onnxruntime run() time alone.');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
