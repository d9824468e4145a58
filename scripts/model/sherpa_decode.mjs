// Decode WAV files with sherpa-onnx-node (greedy search) using a model directory under models/.
// usage: node scripts/model/sherpa_decode.mjs <model-dir> <wav>... [--list file-with-wav-paths] [--threads 1] [--int8]
// Prints one JSON line per file: {"file", "text", "seconds", "decode_seconds"}.
// sherpa-onnx-node is resolved from the repo's node_modules or from $SHERPA_NODE_DIR (e.g. /tmp/sherpa-check).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
function loadSherpa() {
  const tries = [process.env.SHERPA_NODE_DIR, process.cwd(), '/tmp/sherpa-check'].filter(Boolean);
  for (const d of tries) {
    try { return require(require.resolve('sherpa-onnx-node', { paths: [d] })); } catch { /* next */ }
  }
  return require('sherpa-onnx-node');
}
const sherpa = loadSherpa();

const args = process.argv.slice(2);
const dir = args.shift();
let threads = 1;
let int8 = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--list') files.push(...fs.readFileSync(args[++i], 'utf8').split('\n').filter(Boolean));
  else if (args[i] === '--threads') threads = Number(args[++i]);
  else if (args[i] === '--int8') int8 = true;
  else files.push(args[i]);
}

const tokens = path.join(dir, 'tokens.txt');
// The float32 file when there is one, else the int8 variant (as the service picks them); --int8: the other way round.
const file = (name) => (int8 ? [`${name}.int8.onnx`, `${name}.onnx`] : [`${name}.onnx`, `${name}.int8.onnx`]).map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
const modelConfig = { tokens, numThreads: threads, provider: 'cpu', debug: 0 };
if (file('model')) {
  modelConfig.nemoCtc = { model: file('model') };
} else {
  modelConfig.transducer = { encoder: file('encoder'), decoder: file('decoder'), joiner: file('joiner') };
}
const recognizer = new sherpa.OfflineRecognizer({
  featConfig: { sampleRate: 16000, featureDim: 80 },
  modelConfig,
  decodingMethod: 'greedy_search',
});
for (const f of files) {
  const wave = sherpa.readWave(f);
  const t0 = process.hrtime.bigint();
  const stream = recognizer.createStream();
  stream.acceptWaveform({ sampleRate: wave.sampleRate, samples: wave.samples });
  recognizer.decode(stream);
  const r = recognizer.getResult(stream);
  const dt = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ file: f, text: r.text.trim(), seconds: wave.samples.length / wave.sampleRate, decode_seconds: dt }));
}
