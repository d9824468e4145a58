import path from 'node:path';
import { ApiError } from '../../src/errors';
import { InferencePool } from '../../src/model/inference-pool';
import { detectModelLayout } from '../../src/model/model-layout';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { REPO_ROOT } from './helpers/test-server';

/** Streams of an online model in the real worker pool: pinned to one worker, answered in order, failed cleanly by a crash. */
describe('InferencePool streams (online models)', () => {
  const layout = detectModelLayout(path.join(REPO_ROOT, 'models', 'testdata', 'layouts', 'online-zipformer-transducer'));
  const speech = loadSpeechFixture();
  let pool: InferencePool;

  beforeAll(async () => {
    if ('error' in layout) throw new Error(layout.error);
    pool = new InferencePool({ layouts: { online: layout }, executionProvider: 'cpu', workers: 2, threadsPerWorker: 1, queueDepth: 4, crashOnModelId: 'crash', closeGraceMs: 2000 });
    await pool.start();
  });
  afterAll(() => pool.close());

  test('a stream answers in order and its segments match the whole utterance decoded at once', async () => {
    const stream = pool.openStream('online');
    const pieces = [4000, 8000, 1600, 30000];
    const results = [];
    for (let at = 0, i = 0; at < speech.samples.length; i++) {
      const piece = speech.samples.slice(at, at + pieces[i % pieces.length]);
      at += piece.length;
      results.push(stream.accept(piece)); // not awaited: the worker keeps them in order
    }
    // Requests sent and not yet answered make their worker busy in the pool's stats (/status inference.busy).
    expect(pool.stats.busy).toBe(1);
    const fed = await Promise.all(results);
    const decoded = fed.map((r) => r.decodedSec);
    expect(decoded).toEqual([...decoded].sort((a, b) => a - b));
    const last = await stream.finish();
    stream.close();
    const whole = await pool.recognize('online', speech.samples.slice());
    expect(last.text).toBe(whole.result.text);
    expect(last.text.length).toBeGreaterThan(0);
    expect(pool.streamStats.open).toBe(0);
    expect(pool.stats.busy).toBe(0);
  });

  test('streams run side by side; a model that is not online cannot open one', async () => {
    const a = pool.openStream('online');
    const b = pool.openStream('online');
    await Promise.all([a.accept(speech.samples.slice(0, 16000)), b.accept(speech.samples.slice(0, 16000))]);
    a.close();
    b.close();
    const bad = pool.openStream('nope');
    await expect(bad.accept(new Float32Array(1600))).rejects.toMatchObject({ status: 500, code: 'inference_failed' });
    bad.close();
  });

  test('a worker that crashes fails its streams at once (pending and later calls), and new streams work', async () => {
    const single = new InferencePool({ layouts: { online: layout as Exclude<typeof layout, { error: string }> }, executionProvider: 'cpu', workers: 1, threadsPerWorker: 1, queueDepth: 4, crashOnModelId: 'crash', closeGraceMs: 2000 });
    await single.start();
    try {
      const stream = single.openStream('online');
      await stream.accept(speech.samples.slice(0, 8000));
      // The crash job reaches the worker before the stream's next request: the worker dies with it pending.
      const crash = single.recognize('crash', new Float32Array(1600)).catch((e: unknown) => e);
      const pending = stream.accept(speech.samples.slice(8000, 40000)).catch((e: unknown) => e);
      expect(await crash).toMatchObject({ status: 500, code: 'inference_failed' });
      expect(await pending).toMatchObject({ status: 500, code: 'inference_failed' });
      await expect(stream.accept(speech.samples.slice(0, 1600))).rejects.toMatchObject({ code: 'inference_failed' });
      await expect(stream.finish()).rejects.toMatchObject({ code: 'inference_failed' });
      stream.close();
      // The replacement worker takes new streams.
      for (let i = 0; i < 100 && single.stats.workers === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      for (let i = 0; i < 100; i++) {
        try {
          const fresh = single.openStream('online');
          expect((await fresh.finish()).text).toBe('');
          fresh.close();
          return;
        } catch (err) {
          if (!(err instanceof ApiError) || err.code !== 'not_ready') throw err;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      throw new Error('no worker came back');
    } finally {
      await single.close();
    }
  });
});
