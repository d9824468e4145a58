import { getEventListeners } from 'node:events';
import { ApiError } from '../../src/errors';
import type { InferenceBatchEvent, InferenceShedEvent } from '../../src/model/inference-observer';
import { InferencePool } from '../../src/model/inference-pool';
import { ModelRegistry } from '../../src/model/model-registry';
import type { RecognitionResult } from '../../src/model/recognizer';
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

  test('beyond the queue depth new low jobs are shed with 503 and Retry-After; normal ones (finals) always queue', async () => {
    const jobs = Array.from({ length: 3 }, () => pool.recognize(modelId, speech.samples.slice(), { priority: 'low' }));
    const overflow = await pool.recognize(modelId, speech.samples.slice(), { priority: 'low' }).catch((e: unknown) => e);
    expect(overflow).toBeInstanceOf(ApiError);
    expect((overflow as ApiError).status).toBe(503);
    expect((overflow as ApiError).retryAfterSec).toBeGreaterThanOrEqual(1);
    const results = await Promise.all(jobs);
    expect(new Set(results.map((r) => r.result.text)).size).toBe(1);
    // A queue full of finals still takes one more: each admitted session has at most one waiting.
    const finals = await Promise.all(Array.from({ length: 4 }, () => pool.recognize(modelId, speech.samples.slice())));
    expect(new Set(finals.map((r) => r.result.text))).toEqual(new Set(results.map((r) => r.result.text)));
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

/** Dynamic batching: queued jobs of one model run together, give what they give alone, and report through the observer. */
describe('InferencePool with batching', () => {
  const { registry } = ModelRegistry.scan(MODELS_DIR);
  const speech = loadSpeechFixture();
  const batches: InferenceBatchEvent[] = [];
  const shed: InferenceShedEvent[] = [];
  let pool: InferencePool;
  // Different lengths: padding must not reach the shorter clips.
  const clips = [speech.samples, speech.samples.subarray(0, speech.speech[0].endSample + 4000), speech.samples.subarray(speech.speech[1].startSample - 4000)];

  beforeAll(async () => {
    const observer = { onBatch: (e: InferenceBatchEvent) => batches.push(e), onShed: (e: InferenceShedEvent) => shed.push(e) };
    pool = new InferencePool({ layouts: registry.layouts(), executionProvider: 'cpu', workers: 1, threadsPerWorker: 1, queueDepth: 16, maxBatchSize: 4, maxBatchWaitMs: 20, batchPolicy: 'always', observer });
    await pool.start();
  });
  afterAll(() => pool.close());
  beforeEach(() => {
    batches.length = 0;
    shed.length = 0;
  });

  test.each(registry.entries.map((e) => [e.id]))('%s: jobs queued behind a running one run as one batch with the same results as alone', async (modelId) => {
    const alone: RecognitionResult[] = [];
    for (const clip of clips) alone.push((await pool.recognize(modelId, clip.slice())).result);
    expect(batches.map((b) => b.batchSize)).toEqual([1, 1, 1]); // one at a time: never held back, never batched
    batches.length = 0;
    const running = pool.recognize(modelId, speech.samples.slice());
    const together = await Promise.all(clips.map((clip) => pool.recognize(modelId, clip.slice())));
    await running;
    expect(together.map((r) => r.result.text)).toEqual(alone.map((r) => r.text));
    const timed = (words: RecognitionResult['words']) => words.map((w) => [w.word, w.startSec, w.endSec]);
    expect(together.map((r) => timed(r.result.words))).toEqual(alone.map((r) => timed(r.words)));
    expect(batches.map((b) => b.batchSize)).toEqual([1, 3]);
    const [, batch] = batches;
    expect(batch.modelId).toBe(modelId);
    expect(batch.queueWaitMs).toHaveLength(3);
    expect(batch.priorities).toEqual(['normal', 'normal', 'normal']);
    expect(batch.audioSec).toBeCloseTo(clips.reduce((sum, c) => sum + c.length, 0) / 16000, 6);
    expect(batch.inferenceMs).toBeGreaterThan(0);
  });

  test('finals before partials, and a stream\'s waiting partial is replaced by its newer one', async () => {
    const modelId = registry.defaultId;
    const order: string[] = [];
    const track = (name: string, p: Promise<unknown>) =>
      p.then(
        () => order.push(name),
        (e: unknown) => order.push(`${name}:${(e as ApiError).code}`),
      );
    const streamA = {};
    const streamB = {};
    // A model that batched lately holds a lone job for company (up to maxBatchWaitMs); this one ran alone.
    await pool.recognize(modelId, clips[1].slice());
    batches.length = 0;
    const running = track('running', pool.recognize(modelId, speech.samples.slice()));
    const a1 = track('a1', pool.recognize(modelId, clips[1].slice(), { priority: 'low', supersedeKey: streamA }));
    const b1 = track('b1', pool.recognize(modelId, clips[1].slice(), { priority: 'low', supersedeKey: streamB }));
    const a2 = track('a2', pool.recognize(modelId, clips[2].slice(), { priority: 'low', supersedeKey: streamA }));
    const final = track('final', pool.recognize(modelId, clips[0].slice()));
    await Promise.all([running, a1, b1, a2, final]);
    expect(order).toEqual(['a1:superseded', 'running', 'final', 'b1', 'a2']);
    expect(shed).toEqual([{ modelId, reason: 'superseded', priority: 'low' }]);
    // The final runs in a batch of its own (never padded with partials), then the partials together.
    expect(batches.map((b) => b.priorities)).toEqual([['normal'], ['normal'], ['low', 'low']]);
  });

  test('shed jobs are reported with their reason', async () => {
    const modelId = registry.defaultId;
    const controller = new AbortController();
    const running = pool.recognize(modelId, speech.samples.slice());
    const cancelled = pool.recognize(modelId, speech.samples.slice(), { signal: controller.signal, priority: 'low' });
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
    await running;
    expect(shed).toEqual([{ modelId, reason: 'cancelled', priority: 'low' }]);
  });
});
