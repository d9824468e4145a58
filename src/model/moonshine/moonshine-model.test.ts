import path from 'node:path';
import { detectModelLayout, type ModelLayout } from '../model-layout';
import { MoonshineModel } from './moonshine-model';

const LAYOUTS = path.join(__dirname, '..', '..', '..', 'models', 'testdata', 'layouts');

/** A 440 Hz tone of `sec` seconds between 0.3 s silences. */
function tone(sec: number): Float32Array {
  const x = new Float32Array(Math.round((sec + 0.6) * 16000));
  for (let i = 4800; i < x.length - 4800; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16000);
  return x;
}

describe.each(['moonshine', 'moonshine-v2'])('MoonshineModel (%s tiny test model)', (dir) => {
  let model: MoonshineModel;
  beforeAll(async () => {
    const layout = detectModelLayout(path.join(LAYOUTS, dir)) as Extract<ModelLayout, { kind: 'moonshine' }>;
    model = await MoonshineModel.load(layout, { executionProvider: 'cpu', threads: 1 }, { method: 'beam_search', beamSize: 4 });
  });

  test('reads raw audio: its features are the samples themselves', () => {
    const samples = tone(0.2);
    const features = model.computeFeatures(samples);
    expect(features).toEqual({ data: samples, numFrames: samples.length, dim: 1 });
    expect(model.featureEngine).toBe('model');
    expect(model.frameSec).toBeCloseTo(0.01, 9);
  });

  test('decodes greedily whatever the service asks (greedy search is all sherpa-onnx offers for Moonshine)', () => {
    expect(model.decoding).toEqual({ method: 'greedy_search', beamSize: 1 });
  });

  test.each([0, 100, 894])('%i samples (less than one encoder frame): no tokens, as sherpa-onnx', async (n) => {
    expect(await model.decode(model.computeFeatures(tone(1).subarray(5000, 5000 + n)))).toEqual([]);
  });

  test('one encoder frame of audio is decoded', async () => {
    await expect(model.decode(model.computeFeatures(tone(1).subarray(5000, 5895)))).resolves.toBeInstanceOf(Array);
  });

  test('tokens are timed in order inside the voiced span, with log-probabilities', async () => {
    const tokens = await model.decode(model.computeFeatures(tone(1)));
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens[0].startFrame).toBe(30);
    expect(tokens[tokens.length - 1].endFrame).toBe(130);
    tokens.forEach((t, i) => {
      expect(t.endFrame).toBeGreaterThanOrEqual(t.startFrame);
      if (i > 0) expect(t.startFrame).toBe(tokens[i - 1].endFrame);
      expect(t.logProb).toBeLessThanOrEqual(0);
    });
  });
});
