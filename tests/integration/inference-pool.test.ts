import { getEventListeners } from 'node:events';
import { ApiError } from '../../src/errors';
import { InferencePool } from '../../src/model/inference-pool';
import { ModelRegistry } from '../../src/model/model-registry';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { MODELS_DIR } from './helpers/test-server';

/** The worker pool under pressure: bounded queue, cancellation, and a worker that dies. */
describe('InferencePool', () => {
  const { registry } = ModelRegistry.scan(MODELS_DIR);
  const modelId = registry.defaultId;
  const speech = loadSpeechFixture();
  let pool: InferencePool;

  beforeAll(async () => {
    pool = new InferencePool({ layouts: registry.layouts(), executionProvider: 'cpu', workers: 1, threadsPerWorker: 1, queueDepth: 2, crashOnModelId: 'crash' });
    await pool.start();
  });
  afterAll(() => pool.close());

  test('reports what it loaded', () => {
    expect(Object.keys(pool.models).sort()).toEqual(registry.entries.map((e) => e.id).sort());
    for (const info of Object.values(pool.models)) {
      expect(info.provider).toBe('cpu');
      expect(info.featureEngine).toBe('wasm'); // the worker (running from dist/) found native/fbank/fbank.wasm
    }
  });

  test('beyond the queue depth new jobs are shed with 503 and Retry-After', async () => {
    const jobs = Array.from({ length: 3 }, () => pool.recognize(modelId, speech.samples.slice()));
    const overflow = await pool.recognize(modelId, speech.samples.slice()).catch((e: unknown) => e);
    expect(overflow).toBeInstanceOf(ApiError);
    expect((overflow as ApiError).status).toBe(503);
    expect((overflow as ApiError).retryAfterSec).toBeGreaterThanOrEqual(1);
    const results = await Promise.all(jobs);
    expect(new Set(results.map((r) => r.result.text)).size).toBe(1);
  });

  test('transferred samples give the same result, and only a whole buffer is moved', async () => {
    const copied = await pool.recognize(modelId, speech.samples.slice());
    const owned = speech.samples.slice();
    const moved = await pool.recognize(modelId, owned, { transfer: true });
    expect(moved.result.text).toBe(copied.result.text);
    expect(moved.result.words).toEqual(copied.result.words);
    expect(owned.length).toBe(0); // detached: the buffer now belongs to the worker
    const parent = speech.samples.slice();
    const view = parent.subarray(0, parent.length - 1);
    await pool.recognize(modelId, view, { transfer: true });
    expect(parent.length).toBe(speech.samples.length); // a view into a larger buffer is copied, never moved
  });

  test('normal jobs go before low-priority ones, and displace the newest of them when the queue is full', async () => {
    const order: string[] = [];
    const track = (name: string, p: Promise<unknown>) =>
      p.then(
        () => order.push(name),
        (e: unknown) => order.push(`${name}:${(e as ApiError).status}`),
      );
    const running = track('running', pool.recognize(modelId, speech.samples.slice()));
    const lowA = track('lowA', pool.recognize(modelId, speech.samples.slice(), { priority: 'low' }));
    const lowB = track('lowB', pool.recognize(modelId, speech.samples.slice(), { priority: 'low' }));
    // The queue (depth 2) is full of low jobs: a normal job takes the newest one's place...
    const normal = track('normal', pool.recognize(modelId, speech.samples.slice()));
    // ...and a low job is refused outright.
    const lowC = track('lowC', pool.recognize(modelId, speech.samples.slice(), { priority: 'low' }));
    await Promise.all([running, lowA, lowB, normal, lowC]);
    expect(order).toEqual(['lowB:503', 'lowC:503', 'running', 'normal', 'lowA']);
  });

  test('jobs sharing one abort signal (a long file\'s pieces) leave no listeners behind', async () => {
    const controller = new AbortController();
    const piece = speech.samples.subarray(0, 16000);
    for (let i = 0; i < 3; i++) {
      await Promise.all([pool.recognize(modelId, piece, { signal: controller.signal }), pool.recognize(modelId, piece, { signal: controller.signal })]);
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('an aborted queued job is dropped', async () => {
    const running = pool.recognize(modelId, speech.samples.slice());
    const controller = new AbortController();
    const queued = pool.recognize(modelId, speech.samples.slice(), { signal: controller.signal });
    controller.abort();
    await expect(queued).rejects.toMatchObject({ status: 408, code: 'cancelled' });
    await running;
  });

  test('a worker that dies fails only its job, and a new worker takes over', async () => {
    // The worker exits with this job in hand, as a native crash would; the job queued behind it is unharmed.
    const job = pool.recognize('crash', speech.samples.slice());
    const next = pool.recognize(modelId, speech.samples.slice());
    await expect(job).rejects.toMatchObject({ status: 500, code: 'inference_failed' });
    expect(typeof (await next).result.text).toBe('string');
    const deadline = Date.now() + 20_000;
    while (pool.stats.workers < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const after = await pool.recognize(modelId, speech.samples.slice());
    expect(typeof after.result.text).toBe('string');
  }, 30_000);
});
