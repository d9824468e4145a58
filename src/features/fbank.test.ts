import reference from '../../tests/fixtures/fbank-reference.json';
import { FbankComputer, KALDI_FBANK_OPTIONS, NEMO_FBANK_OPTIONS, type Features } from './fbank';
import { normalizePerFeature } from './normalize';

/** The same deterministic signal as scripts/fixtures/make-fbank-reference.py. */
function referenceSignal(): Float32Array {
  const rate = 16000;
  const out = new Float32Array(8000);
  let seed = 12345;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 16807) % 2147483647;
    const noise = (seed / 2147483647) * 2 - 1;
    const t = i / rate;
    out[i] = 0.3 * Math.sin(2 * Math.PI * 440 * t) + 0.2 * Math.sin(2 * Math.PI * 1000 * t) + 0.05 * noise;
  }
  return out;
}

interface Summary {
  numFrames: number;
  dim: number;
  rows: Record<string, number[]>;
  rowMeans: number[];
}

function expectMatches(features: Features, ref: Summary, tolerance: number): void {
  expect(features.numFrames).toBe(ref.numFrames);
  expect(features.dim).toBe(ref.dim);
  let worst = 0;
  for (const [index, row] of Object.entries(ref.rows)) {
    const t = Number(index);
    for (let d = 0; d < row.length; d++) worst = Math.max(worst, Math.abs(features.data[t * features.dim + d] - row[d]));
  }
  for (let t = 0; t < ref.numFrames; t++) {
    let mean = 0;
    for (let d = 0; d < features.dim; d++) mean += features.data[t * features.dim + d];
    worst = Math.max(worst, Math.abs(mean / features.dim - ref.rowMeans[t]));
  }
  expect(worst).toBeLessThan(tolerance);
}

describe.each(['wasm', 'js'] as const)('FbankComputer in %s', (engine) => {
  const signal = referenceSignal();

  test('uses the engine asked for (the WebAssembly module loads in this runtime)', () => {
    expect(new FbankComputer(KALDI_FBANK_OPTIONS, engine).engine).toBe(engine);
  });

  test('Kaldi fbank (sherpa-onnx defaults) matches torchaudio.compliance.kaldi.fbank', () => {
    expectMatches(new FbankComputer(KALDI_FBANK_OPTIONS, engine).compute(signal), reference.kaldi, 2e-3);
  });

  test('NeMo log-mel (Slaney filters, hann) matches torch.fft + torchaudio Slaney mel filters', () => {
    expectMatches(new FbankComputer(NEMO_FBANK_OPTIONS, engine).compute(signal), reference.nemo, 2e-3);
  });

  test('per_feature normalization matches the reference', () => {
    const features = new FbankComputer(NEMO_FBANK_OPTIONS, engine).compute(signal);
    normalizePerFeature(features);
    expectMatches(features, reference.nemoPerFeature, 2e-3);
  });

  test('channels first, per_feature-normalized, is the reference transposed', () => {
    const computer = new FbankComputer(NEMO_FBANK_OPTIONS, engine);
    const f = computer.computeChannelsFirst(signal, true);
    expect(f.layout).toBe('channels');
    const back = new Float32Array(f.data.length);
    for (let t = 0; t < f.numFrames; t++) for (let d = 0; d < f.dim; d++) back[t * f.dim + d] = f.data[d * f.numFrames + t];
    expectMatches({ data: back, numFrames: f.numFrames, dim: f.dim }, reference.nemoPerFeature, 2e-3);
    const plain = computer.computeChannelsFirst(signal, false);
    const rows = computer.compute(signal);
    expect(plain.data[3 * rows.numFrames + 7]).toBeCloseTo(rows.data[7 * rows.dim + 3], 5);
    expect(computer.computeChannelsFirst(new Float32Array(0), true).numFrames).toBe(0);
  });

  test.each([
    [0, 0],
    [79, 0],
    [80, 1],
    [160, 1],
    [239, 1],
    [240, 2],
    [16000, 100],
  ])('%i samples give %i frames (snip_edges=false)', (samples, frames) => {
    expect(new FbankComputer(KALDI_FBANK_OPTIONS, engine).compute(new Float32Array(samples)).numFrames).toBe(frames);
  });

  test('silence is floored, not -Infinity', () => {
    const f = new FbankComputer(KALDI_FBANK_OPTIONS, engine).compute(new Float32Array(1600));
    expect(f.data.every((v) => Number.isFinite(v))).toBe(true);
  });

  test('reuses a caller-provided output buffer', () => {
    const computer = new FbankComputer(KALDI_FBANK_OPTIONS, engine);
    const out = new Float32Array(50 * 80);
    const f = computer.compute(signal, out);
    expect(f.data.buffer).toBe(out.buffer);
  });
});

test('WebAssembly and JavaScript give the same features', () => {
  const signal = referenceSignal();
  for (const options of [KALDI_FBANK_OPTIONS, NEMO_FBANK_OPTIONS]) {
    const wasm = new FbankComputer(options, 'wasm').compute(signal);
    const js = new FbankComputer(options, 'js').compute(signal);
    let worst = 0;
    for (let i = 0; i < js.data.length; i++) worst = Math.max(worst, Math.abs(wasm.data[i] - js.data[i]));
    expect(worst).toBeLessThan(1e-3);
  }
});

test('WebAssembly computers share one module: interleaved option sets and growing inputs stay exact', () => {
  const long = new Float32Array(16000 * 3);
  for (let i = 0; i < long.length; i++) long[i] = 0.2 * Math.sin(i * 0.05) + 0.1 * Math.sin(i * 0.31);
  const kaldi = new FbankComputer(KALDI_FBANK_OPTIONS, 'wasm');
  const nemo = new FbankComputer(NEMO_FBANK_OPTIONS, 'wasm');
  const jsKaldi = new FbankComputer(KALDI_FBANK_OPTIONS, 'js');
  const jsNemo = new FbankComputer(NEMO_FBANK_OPTIONS, 'js');
  for (const length of [100, 400, 1600, long.length, 3000]) {
    const piece = long.subarray(0, length);
    for (const [wasm, js] of [[kaldi, jsKaldi], [nemo, jsNemo]] as const) {
      const a = wasm.compute(piece);
      const b = js.compute(piece);
      expect(a.numFrames).toBe(b.numFrames);
      let worst = 0;
      for (let i = 0; i < b.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
      expect(worst).toBeLessThan(2e-3);
    }
  }
});
