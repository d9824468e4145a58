import { InferenceBatchQueue, type BatchQueueJob } from './inference-batch-queue';

let nextId = 1;
const job = (modelId: string, priority: 'normal' | 'low', supersedeKey?: unknown): BatchQueueJob & { name: string } => {
  const id = nextId++;
  return { id, modelId, priority, supersedeKey, enqueuedAtMs: id, name: `${modelId}:${priority}:${id}` };
};
const names = (jobs: { name: string }[]) => jobs.map((j) => j.name);

describe('InferenceBatchQueue', () => {
  beforeEach(() => {
    nextId = 1;
  });

  test('a batch is one model\'s jobs of one priority: normal ones while any wait, then low ones', () => {
    const q = new InferenceBatchQueue<ReturnType<typeof job>>();
    [job('a', 'low'), job('a', 'normal'), job('b', 'normal'), job('a', 'normal'), job('a', 'low')].forEach((j) => q.push(j));
    expect(q.size).toBe(5);
    expect(q.sizeByModel()).toEqual({ a: 4, b: 1 });
    expect(q.peek()).toEqual({ modelId: 'a', waiting: 2, oldestEnqueuedAtMs: 2 });
    expect(q.oldestNormalEnqueuedAtMs()).toBe(2);
    expect(names(q.takeBatch(3))).toEqual(['a:normal:2', 'a:normal:4']);
    // Model b's normal job goes before a's low ones, which waited longer.
    expect(names(q.takeBatch(3))).toEqual(['b:normal:3']);
    expect(q.oldestNormalEnqueuedAtMs()).toBeNull();
    expect(q.peek()).toEqual({ modelId: 'a', waiting: 2, oldestEnqueuedAtMs: 1 });
    expect(names(q.takeBatch(3))).toEqual(['a:low:1', 'a:low:5']);
    expect(q.takeBatch(3)).toEqual([]);
    expect(q.size).toBe(0);
    expect(q.sizeByModel()).toEqual({});
  });

  test('finals before partials across models: any normal job beats an older low one', () => {
    const q = new InferenceBatchQueue<ReturnType<typeof job>>();
    q.push(job('a', 'low'));
    q.push(job('b', 'normal'));
    expect(names(q.takeBatch(1))).toEqual(['b:normal:2']);
  });

  test('a newer partial of the same stream supersedes the queued one; other streams are untouched', () => {
    const q = new InferenceBatchQueue<ReturnType<typeof job>>();
    const s1 = {};
    const s2 = {};
    const first = job('a', 'low', s1);
    expect(q.push(first)).toBeUndefined();
    expect(q.push(job('a', 'low', s2))).toBeUndefined();
    expect(q.push(job('a', 'low', s1))).toBe(first);
    expect(q.size).toBe(2);
    expect(names(q.takeBatch(8))).toEqual(['a:low:2', 'a:low:3']);
    // Once dispatched, a job cannot be superseded: the next one simply queues.
    expect(q.push(job('a', 'low', s1))).toBeUndefined();
  });

  test('the newest low job makes room; removal and drain keep the count', () => {
    const q = new InferenceBatchQueue<ReturnType<typeof job>>();
    const jobs = [job('a', 'low'), job('b', 'low'), job('a', 'normal'), job('a', 'low', 'k')];
    jobs.forEach((j) => q.push(j));
    expect(q.popNewestLow()?.name).toBe('a:low:4');
    expect(q.push(job('a', 'low', 'k'))).toBeUndefined(); // the popped job no longer holds its key
    expect(q.remove(jobs[1])).toBe(true);
    expect(q.remove(jobs[1])).toBe(false);
    expect(q.size).toBe(3);
    expect(q.drain()).toHaveLength(3);
    expect(q.size).toBe(0);
    expect(q.peek()).toBeNull();
  });
});
