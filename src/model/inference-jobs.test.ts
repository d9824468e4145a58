import { ApiError } from '../errors';
import type { InferenceShedReason } from './inference-observer';
import { InferenceJobs, type PendingJob } from './inference-jobs';
import type { JobPriority } from './recognizer';

interface TestJob extends PendingJob {
  error?: ApiError;
}

function setup(queueDepth: number) {
  const shed: [number, InferenceShedReason][] = [];
  let nextId = 1;
  const jobs = new InferenceJobs<TestJob>({
    queueDepth,
    onShed: (job, reason) => shed.push([(job as TestJob).id, reason]),
    overloaded: () => new ApiError(503, 'busy', { code: 'server_overloaded', retryAfterSec: 2 }),
  });
  const job = (priority: JobPriority, extra: Partial<TestJob> = {}): TestJob => {
    const j: TestJob = { id: nextId++, modelId: 'm', priority, enqueuedAtMs: performance.now(), reject: (e) => (j.error = e as ApiError), ...extra };
    jobs.admit(j);
    return j;
  };
  return { jobs, shed, job };
}

describe('InferenceJobs', () => {
  test('a full queue refuses a new low job with 503 and lets a normal one take the newest low one\'s place', () => {
    const { jobs, shed, job } = setup(2);
    const low1 = job('low');
    const low2 = job('low');
    const refused = job('low');
    expect(refused.error).toMatchObject({ status: 503, code: 'server_overloaded', retryAfterSec: 2 });
    const final = job('normal');
    expect(low2.error).toMatchObject({ status: 503 });
    expect(low1.error).toBeUndefined();
    expect(final.error).toBeUndefined();
    expect(shed).toEqual([
      [refused.id, 'queue_full'],
      [low2.id, 'displaced'],
    ]);
    // the next normal job displaces low1; then with no low job left a normal one still queues beyond the
    // depth (finals of admitted streams are never dropped)
    job('normal');
    expect(low1.error).toMatchObject({ status: 503 });
    job('normal');
    expect(jobs.queue.size).toBe(3);
    expect(shed.map(([, reason]) => reason)).toEqual(['queue_full', 'displaced', 'displaced']);
    expect(jobs.take(8).map((j) => j.priority)).toEqual(['normal', 'normal', 'normal']);
  });

  test("a stream's newer partial replaces its queued one (409), even in a full queue", () => {
    const { jobs, shed, job } = setup(1);
    const key = {};
    const older = job('low', { supersedeKey: key });
    const newer = job('low', { supersedeKey: key });
    expect(older.error).toMatchObject({ status: 409, code: 'superseded' });
    expect(newer.error).toBeUndefined();
    expect(shed).toEqual([[older.id, 'superseded']]);
    expect(jobs.take(4)).toEqual([newer]);
  });

  test('a cancelled request leaves the queue at once (408); one cancelled as it is taken is not run', () => {
    const { jobs, shed, job } = setup(8);
    const a = new AbortController();
    const b = new AbortController();
    const first = job('normal', { signal: a.signal });
    const second = job('normal', { signal: b.signal });
    a.abort();
    expect(first.error).toMatchObject({ status: 408, code: 'cancelled' });
    expect(jobs.queue.size).toBe(1);
    // aborted without its listener running first (the signal fired while the job was being taken)
    second.signal!.removeEventListener('abort', second.onAbort!);
    b.abort();
    expect(jobs.take(4)).toEqual([]);
    expect(second.error).toMatchObject({ status: 408 });
    expect(shed.map(([, reason]) => reason)).toEqual(['cancelled', 'cancelled']);
  });

  test('a taken job no longer listens to its signal; drain refuses the rest with 503 shutting_down', () => {
    const { jobs, shed, job } = setup(8);
    const a = new AbortController();
    const taken = job('normal', { signal: a.signal });
    expect(jobs.take(1)).toEqual([taken]);
    a.abort();
    expect(taken.error).toBeUndefined();
    const waiting = job('low');
    jobs.drain();
    expect(waiting.error).toMatchObject({ status: 503, code: 'shutting_down', retryAfterSec: 5 });
    expect(shed).toEqual([[waiting.id, 'shutting_down']]);
    expect(jobs.queue.size).toBe(0);
  });
});
