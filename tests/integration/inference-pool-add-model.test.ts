import { InferencePool } from '../../src/model/inference-pool';
import type { ModelLayout } from '../../src/model/model-layout';
import { ModelRegistry } from '../../src/model/model-registry';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { MODELS_DIR } from './helpers/test-server';

/** InferencePool.addModel: one more model loaded into running workers (POST /v1/models/{id}), and into workers started later. */
describe('InferencePool.addModel', () => {
  const { registry } = ModelRegistry.scan(MODELS_DIR);
  const ctc = registry.entries.find((e) => e.layout.kind === 'nemo-ctc')!;
  const transducer = registry.entries.find((e) => e.layout.kind === 'transducer')!;
  const speech = loadSpeechFixture();
  let pool: InferencePool;

  beforeAll(async () => {
    pool = new InferencePool({ layouts: { base: ctc.layout }, executionProvider: 'cpu', workers: 2, threadsPerWorker: 1, queueDepth: 16, crashOnModelId: 'crash' });
    await pool.start();
  }, 120_000);
  afterAll(() => pool.close());

  test('a model added while running is loaded by every worker and recognizes like one loaded at start', async () => {
    await expect(pool.recognize('added', speech.samples.slice())).rejects.toThrow(/Inference failed/);
    const info = await pool.addModel('added', transducer.layout);
    expect(info).toMatchObject({ kind: 'transducer', provider: 'cpu' });
    expect(pool.models.added).toEqual(info);
    // Two jobs at once: one on each worker.
    const [a, b] = await Promise.all([pool.recognize('added', speech.samples.slice()), pool.recognize('added', speech.samples.slice())]);
    expect(a.result.text.length).toBeGreaterThan(0);
    expect(b.result.text).toBe(a.result.text);
  }, 120_000);

  test('a model that fails to load is refused and the workers keep serving the others', async () => {
    const broken = { ...ctc.layout, modelPath: `${ctc.layout.dir}/missing.onnx` } as ModelLayout;
    await expect(pool.addModel('broken', broken)).rejects.toThrow(/failed to load model broken/);
    expect(pool.models.broken).toBeUndefined();
    expect((await pool.recognize('base', speech.samples.slice())).result.text.length).toBeGreaterThan(0);
  }, 120_000);

  test('a worker started after the model was added (a crashed one replaced) loads it too', async () => {
    await expect(pool.recognize('crash', speech.samples.slice())).rejects.toThrow(/stopped/);
    // Wait for the replacement, then run more jobs than one worker would take at once.
    for (let i = 0; i < 200 && pool.stats.workers < 2; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const results = await Promise.all(Array.from({ length: 4 }, () => pool.recognize('added', speech.samples.slice())));
    expect(new Set(results.map((r) => r.result.text)).size).toBe(1);
  }, 120_000);
});
