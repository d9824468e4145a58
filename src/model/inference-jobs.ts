import { ApiError } from '../errors';
import { InferenceBatchQueue, type BatchQueueJob } from './inference-batch-queue';
import type { InferenceShedReason } from './inference-observer';
import type { JobPriority } from './recognizer';

/** What the job queue needs of a job besides its place in the batch queue: its request's signal and its promise. */
export interface PendingJob extends BatchQueueJob {
  signal?: AbortSignal;
  /** Drops the job from the queue when the signal aborts; removed once the job leaves the queue. */
  onAbort?: () => void;
  reject(err: Error): void;
}

export interface InferenceJobsOptions {
  /** Jobs allowed to wait (see InferencePoolOptions.queueDepth). */
  queueDepth: number;
  /** Told of every job that leaves without running, and of every low job refused at the door. */
  onShed(job: { modelId: string; priority: JobPriority }, reason: InferenceShedReason): void;
  /** The 503 a refused or displaced job gets (its Retry-After from the pool's pace). */
  overloaded(): ApiError;
}

const cancelled = () => new ApiError(408, 'The request was cancelled.', { code: 'cancelled' });

/**
 * The inference pool's waiting jobs and their requests' lifecycles, over the batch queue: admission at the
 * queue's depth (a new low job is refused with 503; a normal one takes the newest low one's place, or queues
 * beyond the depth: finals of admitted streams are never dropped), cancellation by the request's signal, a
 * stream's newer partial superseding its queued one, and refusal of everything waiting on close. Every job that
 * leaves without running is rejected and reported as shed.
 */
export class InferenceJobs<J extends PendingJob> {
  readonly queue = new InferenceBatchQueue<J>();

  constructor(private readonly options: InferenceJobsOptions) {}

  /** Queues a job, or rejects it (a low job when the queue is full); may displace or supersede a waiting one. */
  admit(job: J): void {
    // A partial that replaces its stream's queued one needs no room of its own. A normal job (a final, a file
    // piece) is never refused here: each admitted session has at most one waiting, so admission bounds them.
    const replaces = job.priority === 'low' && job.supersedeKey !== undefined && this.queue.holdsKey(job.supersedeKey);
    if (!replaces && this.queue.size >= this.options.queueDepth) {
      const displaced = job.priority === 'normal' ? this.queue.popNewestLow() : undefined;
      if (displaced) {
        this.leave(displaced, 'displaced', this.options.overloaded());
      } else if (job.priority === 'low') {
        this.options.onShed(job, 'queue_full');
        job.reject(this.options.overloaded());
        return;
      }
    }
    const { signal } = job;
    if (signal) {
      // One request may queue many jobs on one signal (a long file's pieces): each removes its listener.
      job.onAbort = () => {
        if (this.queue.remove(job)) this.leave(job, 'cancelled', cancelled());
      };
      signal.addEventListener('abort', job.onAbort, { once: true });
    }
    const superseded = this.queue.push(job);
    if (superseded) this.leave(superseded, 'superseded', new ApiError(409, 'A newer update of the same stream replaced this one.', { code: 'superseded' }));
  }

  /** Takes up to `maxSize` jobs of the next batch (inference-batch-queue.ts); those whose request was cancelled leave. */
  take(maxSize: number): J[] {
    return this.queue.takeBatch(maxSize).filter((job) => {
      this.detach(job);
      if (!job.signal?.aborted) return true;
      this.leave(job, 'cancelled', cancelled());
      return false;
    });
  }

  /** Refuses every waiting job (the pool is closing). */
  drain(): void {
    for (const job of this.queue.drain()) this.leave(job, 'shutting_down', new ApiError(503, 'The server is shutting down.', { code: 'shutting_down', retryAfterSec: 5 }));
  }

  private leave(job: J, reason: InferenceShedReason, error: ApiError): void {
    this.detach(job);
    this.options.onShed(job, reason);
    job.reject(error);
  }

  private detach(job: J): void {
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
  }
}
