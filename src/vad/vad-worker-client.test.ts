import { ApiError } from '../errors';
import { loadSpeechFixture } from '../../tests/fixtures/speech-fixture';
import { SileroVadModel } from './silero-vad-model';
import { VAD_CHUNK_SAMPLES } from './speech-probability';
import { VadWorkerClient } from './vad-worker-client';

// The worker runs the compiled dist/vad/vad-worker.js (`npm test` builds first).
describe('VadWorkerClient', () => {
  const fixture = loadSpeechFixture();
  const samples = fixture.samples.subarray(0, 100 * VAD_CHUNK_SAMPLES);
  let client: VadWorkerClient;
  let reference: Float32Array;

  beforeAll(async () => {
    client = await VadWorkerClient.start({ maxQueuedRequests: 4 });
    const model = await SileroVadModel.load();
    reference = await model.probabilities(samples, model.createState());
    await model.release();
  });
  afterAll(async () => {
    await client.close();
  });

  test('gives the same probabilities as the model in-process, across calls of any size', async () => {
    const stream = client.openStream();
    const first = await stream.process(samples.subarray(0, 30 * VAD_CHUNK_SAMPLES));
    const rest = await stream.process(samples.subarray(30 * VAD_CHUNK_SAMPLES));
    expect([...first, ...rest]).toEqual(Array.from(reference));
    stream.close();
  });

  test('a batch of streams through the worker scores each member like a stream of its own', async () => {
    const batch = client.openBatch(2);
    const silence = new Float32Array(samples.length);
    const [a, b] = await batch.process([samples, silence]);
    Array.from(a).forEach((p, k) => expect(p).toBeCloseTo(reference[k], 4));
    expect(Math.max(...b)).toBeLessThan(0.1);
    await expect(batch.process([samples])).rejects.toThrow(RangeError);
    batch.close();
    await expect(batch.process([samples, silence])).rejects.toThrow('closed');
  });

  test('streams are isolated, and reset starts a stream afresh', async () => {
    const a = client.openStream();
    const b = client.openStream();
    const [pa, pb] = await Promise.all([a.process(samples), b.process(new Float32Array(samples.length))]);
    expect(Array.from(pa)).toEqual(Array.from(reference));
    expect(Math.max(...pb)).toBeLessThan(0.1);
    a.reset();
    expect(Array.from(await a.process(samples))).toEqual(Array.from(reference));
    a.close();
    b.close();
    await expect(a.process(samples)).rejects.toThrow('closed');
  });

  test('refuses requests beyond the queue bound with a 503', async () => {
    const streams = Array.from({ length: 5 }, () => client.openStream());
    const results = await Promise.allSettled(streams.map((s) => s.process(samples)));
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    const reason = (refused[0] as PromiseRejectedResult).reason as ApiError;
    expect(reason).toBeInstanceOf(ApiError);
    expect([reason.status, reason.code]).toEqual([503, 'vad_overloaded']);
    expect(client.queuedRequests).toBe(0);
    streams.forEach((s) => s.close());
  });

  test('rejects a length that is not a whole number of chunks', async () => {
    await expect(client.openStream().process(new Float32Array(100))).rejects.toThrow(RangeError);
  });

  test('a worker that dies fails its requests with a 500 and is restarted on the next request', async () => {
    const own = await VadWorkerClient.start({ allowExitRequests: true });
    const stream = own.openStream();
    const worker = await (own as unknown as { worker: Promise<import('node:worker_threads').Worker> }).worker;
    const pending = stream.process(new Float32Array(2000 * VAD_CHUNK_SAMPLES)); // about 300 ms of work
    worker.postMessage({ kind: 'exit' }); // handled between two model runs, mid-request
    await expect(pending).rejects.toMatchObject({ status: 500, code: 'vad_failed' });
    expect(Array.from(await own.openStream().process(samples))).toEqual(Array.from(reference));
    await own.close();
  });

  test('a model that cannot load fails start', async () => {
    await expect(VadWorkerClient.start({ modelPath: '/nonexistent/silero.onnx' })).rejects.toThrow('failed to load');
  });
});
