/**
 * File transcription benchmark, measured side by side in one run on the same ≥ 10 s clip:
 *   - raw model: onnxruntime `session.run` calls alone (encoder; plus decoder/joiner for transducers)
 *   - our pipeline in-process: features + model + greedy decoding
 *   - sherpa-onnx-node's OfflineRecognizer on the same model files and audio
 *   - our server end to end: HTTP multipart upload (as curl sends it, over a kept-alive connection) → JSON,
 *     through the worker pool
 * and prints the ratios the targets are stated in. Each is measured in its own block after a warm-up run. Also feature extraction speed in × real time per core.
 *
 *   npm run bench            (all models under models/)
 *   BENCH_MODELS_DIR=... BENCH_RUNS=10 BENCH_LONG_SEC=600 npm run bench   (BENCH_LONG_SEC=0 skips the long file)
 */
import http from 'node:http';
import path from 'node:path';
import pino from 'pino';
import { FbankComputer, KALDI_FBANK_OPTIONS, NEMO_FBANK_OPTIONS } from '../../src/features/fbank';
import { parseConfig } from '../../src/config';
import { ModelRegistry } from '../../src/model/model-registry';
import { GREEDY_DECODING } from '../../src/model/decoding';
import { loadModel, recognizeWith } from '../../src/model/offline-recognizer';
import { WORD_SPLIT_PAUSE_SEC } from '../../src/model/words';
import { startServer } from '../../src/server';
import { Services } from '../../src/services';
import { characterErrorRate } from './text-metrics';
import { wavBytesForBench } from './wav-bytes';
import { median, REPO_ROOT, speechClip, timeMs } from './bench-util';
import { sherpaDecode, sherpaRecognizer } from './sherpa-reference';
import * as ort from 'onnxruntime-node';

const RUNS = Number(process.env.BENCH_RUNS ?? 25);
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

/** The multipart body curl would send for `-F file=@clip.wav -F model=<id>`. */
function multipartBody(wav: Uint8Array, modelId: string): { body: Buffer; contentType: string } {
  const boundary = '----bench' + Math.random().toString(16).slice(2);
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\n${modelId}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="clip.wav"\r\nContent-Type: audio/wav\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head), wav, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** POSTs the upload over a kept-alive connection, as a production client would. */
function post(baseUrl: string, upload: { body: Buffer; contentType: string }): Promise<{ body: string; serverTiming: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}/v1/audio/transcriptions`,
      { method: 'POST', agent, headers: { 'Content-Type': upload.contentType, 'Content-Length': upload.body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ body: Buffer.concat(chunks).toString('utf8'), serverTiming: String(res.headers['server-timing'] ?? '') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(upload.body);
  });
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
  // Greedy search on both sides for the like-for-like comparison with sherpa-onnx (also greedy); a second
  // server with the default configuration (beam search + the model's LM) for what users get by default.
  const start = async (decoding: string) => {
    const env = { PORT: '0', HOST: '127.0.0.1', MODELS_DIR, INFERENCE_WORKERS: '1', INFERENCE_THREADS_PER_WORKER: '1', LOG_LEVEL: 'silent', DECODING_METHOD: decoding };
    const services = new Services(parseConfig(env), pino({ level: 'silent' }));
    const server = await startServer(services, 0, '127.0.0.1');
    await services.start();
    return { server, decoding: services.config.decoding };
  };
  const { server } = await start('greedy_search');
  const { server: defaultServer, decoding: defaultDecoding } = await start('auto');
  const body = wavBytesForBench(clip);

  const rows: string[][] = [];
  const stageRows: string[][] = [];
  const beamRows: string[] = [];
  for (const entry of registry.entries) {
    const model = await loadModel(entry.layout, { executionProvider: 'cpu', threads: 1 }, GREEDY_DECODING);
    const beamModel = await loadModel(entry.layout, { executionProvider: 'cpu', threads: 1 }, defaultDecoding);
    const sherpa = sherpaRecognizer(entry.layout);
    const upload = multipartBody(body, entry.id);
    // Each system is measured in its own block (warm-up run first) so none runs on caches another just used.
    let ours = '';
    const rawMs: number[] = [];
    const pipelineMs: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const t0 = performance.now();
      const { value, runMs } = await withRunTimer(() => recognizeWith(model, clip));
      if (i > 0) {
        pipelineMs.push(performance.now() - t0);
        rawMs.push(runMs);
      }
      ours = value.text;
    }
    let theirs = '';
    const sherpaMs: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const t0 = performance.now();
      theirs = sherpaDecode(sherpa, clip).text.trim();
      if (i > 0) sherpaMs.push(performance.now() - t0);
    }
    const serverMs: number[] = [];
    let serverText = '';
    const stages = new Map<string, number[]>();
    for (let i = 0; i <= RUNS; i++) {
      const t0 = performance.now();
      const response = await post(server.url, upload);
      const elapsed = performance.now() - t0;
      const json = JSON.parse(response.body) as { text: string };
      // The server decodes each utterance the VAD finds on its own (as live streams do); the in-process pipeline
      // decodes the whole clip at once: the texts may differ by a word at a cut.
      serverText = json.text;
      if (i === 0) continue;
      serverMs.push(elapsed);
      for (const [, name, dur] of response.serverTiming.matchAll(/(\w+);dur=([\d.]+)/g)) {
        stages.set(name, [...(stages.get(name) ?? []), Number(dur)]);
      }
    }
    let beamText = '';
    const beamMs: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const t0 = performance.now();
      beamText = (await recognizeWith(beamModel, clip)).text;
      if (i > 0) beamMs.push(performance.now() - t0);
    }
    const defaultServerMs: number[] = [];
    let defaultServerText = '';
    for (let i = 0; i <= RUNS; i++) {
      const t0 = performance.now();
      const response = await post(defaultServer.url, upload);
      if (i > 0) defaultServerMs.push(performance.now() - t0);
      defaultServerText = (JSON.parse(response.body) as { text: string }).text;
    }
    const [raw, pipe, sher, serv, beam, defaultServ] = [rawMs, pipelineMs, sherpaMs, serverMs, beamMs, defaultServerMs].map(median);
    rows.push([
      entry.id,
      raw.toFixed(1),
      pipe.toFixed(1),
      sher.toFixed(1),
      serv.toFixed(1),
      (serv / raw).toFixed(3),
      (serv / sher).toFixed(3),
      (raw / 1000 / audioSec).toFixed(4),
      ours === theirs ? 'same' : ours.replace(/ /g, '') === theirs.replace(/ /g, '') ? 'same letters*' : 'DIFFERENT',
      `${(100 * characterErrorRate(ours, serverText)).toFixed(1)}%`,
    ]);
    beamRows.push(
      `  ${entry.id}: ${beamModel.decoding.method}${beamModel.decoding.lm ? ` + ${beamModel.decoding.lmFile}` : ''} (beam ${beamModel.decoding.beamSize}): ` +
        `pipeline ${beam.toFixed(1)} ms = ${(beam / pipe).toFixed(2)}x greedy pipeline; default server ${defaultServ.toFixed(1)} ms = ` +
        `${(defaultServ / sher).toFixed(2)}x sherpa greedy, RTF ${(defaultServ / 1000 / audioSec).toFixed(4)}; ` +
        `server text vs whole-clip beam CER ${(100 * characterErrorRate(beamText, defaultServerText)).toFixed(1)}%`,
    );
    stageRows.push([entry.id, ...[...stages].map(([name, values]) => `${name} ${median(values).toFixed(1)}`)]);
  }
  // A long file: cut into utterances by the VAD and recognized as they are found (the server's defaults
  // use 2 inference workers; this bench server has 1, as above, plus the VAD worker).
  const longSec = Number(process.env.BENCH_LONG_SEC ?? 600);
  const longRows: string[] = [];
  if (longSec > 0) {
    const long = new Float32Array(Math.ceil(longSec / audioSec) * clip.length);
    for (let at = 0; at < long.length; at += clip.length) long.set(clip, at);
    const upload = multipartBody(wavBytesForBench(long), registry.defaultId);
    for (const [name, target] of [['greedy', server], ['default decoding', defaultServer]] as const) {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        await post(target.url, upload);
        times.push(performance.now() - t0);
      }
      const ms = median(times);
      longRows.push(`long file (${name}): ${(long.length / 16000).toFixed(0)} s of audio (${registry.defaultId}) in ${(ms / 1000).toFixed(2)} s = ${((long.length / 16000) / (ms / 1000)).toFixed(0)}x real time, end to end`);
    }
  }
  await server.close(1000);
  await defaultServer.close(1000);

  const header = ['model', 'raw run ms', 'pipeline ms', 'sherpa ms', 'server ms', 'server/raw', 'server/sherpa', 'RTF (raw)', 'text vs sherpa', 'server vs whole-clip CER'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  if (rows.some((r) => r[r.length - 1] === 'same letters*')) {
    console.log(`\n* the same characters; ours also starts a new word after a pause of ${WORD_SPLIT_PAUSE_SEC} s inside one (sherpa-onnx glues the words on either side).`);
  }
  console.log('\nserver/raw (greedy search on both sides, as sherpa-onnx): HTTP upload + WAV decode + features + worker hop + decoding + JSON, over onnxruntime run() time alone.');
  console.log('where the server\'s time goes (Server-Timing medians, ms; the rest is HTTP and JSON):');
  for (const r of stageRows) console.log(`  ${r[0]}: ${r.slice(1).join(', ')}`);
  console.log('\nthe default decoding (DECODING_METHOD=auto), in-process and through the default server:');
  for (const r of beamRows) console.log(r);
  for (const r of longRows) console.log(`\n${r}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
