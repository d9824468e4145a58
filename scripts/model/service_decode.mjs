#!/usr/bin/env node
// Transcribes WAV files with the service's own pipeline (features -> ONNX model -> greedy or beam search with
// the model folder's character LM), as the server does; prints one JSON line per file. Needs `npm run build`.
//   node scripts/model/service_decode.mjs MODEL_DIR [--method greedy_search|beam_search] [--beam N]
//        [--lm-scale X --length-bonus Y [--unknown-word-penalty Z]] [--prompt TEXT] (--list FILE | WAV...)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const { detectModelLayout } = require(path.join(dist, 'model/model-layout.js'));
const { loadModel, recognizeWith } = require(path.join(dist, 'model/offline-recognizer.js'));
const { decodeWav } = require(path.join(dist, 'audio/wav.js'));
const { resample } = require(path.join(dist, 'audio/resample.js'));

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [v] = args.splice(i, 2).slice(1);
  return v;
};
const method = opt('--method', 'beam_search');
const beamSize = Number(opt('--beam', '8'));
const scale = opt('--lm-scale');
const bonus = opt('--length-bonus');
const penalty = opt('--unknown-word-penalty', '10');
const list = opt('--list');
const prompt = opt('--prompt');
const [modelDir, ...rest] = args;
const wavs = list ? readFileSync(list, 'utf8').split('\n').filter(Boolean) : rest;
const layout = detectModelLayout(modelDir);
if ('error' in layout) throw new Error(`${modelDir}: ${layout.error}`);
const decoding = { method, beamSize, ...(scale !== undefined ? { lmWeights: { scale: Number(scale), lengthBonus: Number(bonus ?? 0), unknownWordPenalty: Number(penalty) } } : {}) };
const model = await loadModel(layout, { executionProvider: 'cpu', threads: 1 }, decoding);
for (const wav of wavs) {
  const audio = decodeWav(readFileSync(wav));
  const samples = resample(audio.samples, audio.sampleRateHz, 16000);
  const started = performance.now();
  const r = await recognizeWith(model, samples, { prompt });
  console.log(JSON.stringify({ file: wav, text: r.text, seconds: samples.length / 16000, decode_seconds: (performance.now() - started) / 1000 }));
}
