import type { Worker } from 'node:worker_threads';
import type { LoadedModelInfo, ModelAddResponse, WorkerRequest } from './inference-protocol';
import type { ModelLayout } from './model-layout';

/**
 * The pool's requests to load one more model into running workers (a model pulled while serving), matched to
 * their answers by request id. A worker that dies while loading rejects its request, so a pull never waits forever.
 */
export class WorkerModelAdds {
  private readonly pending = new Map<number, (message: ModelAddResponse) => void>();
  private nextRequestId = 1;

  constructor(private readonly onWarning?: (warning: string) => void) {}

  /** Asks `worker` to load `modelId`; resolves with its info once it holds it. */
  request(worker: Worker, modelId: string, layout: ModelLayout): Promise<LoadedModelInfo> {
    return new Promise<LoadedModelInfo>((resolve, reject) => {
      const requestId = this.nextRequestId++;
      const onExit = () => {
        this.pending.delete(requestId);
        reject(new Error(`inference worker exited while loading model ${modelId}`));
      };
      worker.once('exit', onExit);
      this.pending.set(requestId, (message) => {
        this.pending.delete(requestId);
        worker.off('exit', onExit);
        if (message.type === 'modelAddFailed') return reject(new Error(`inference worker failed to load model ${modelId}: ${message.message}`));
        message.warnings.forEach((w) => this.onWarning?.(w));
        resolve(message.info);
      });
      const request: WorkerRequest = { type: 'addModel', requestId, modelId, layout };
      worker.postMessage(request);
    });
  }

  /** A worker's answer (`modelAdded` / `modelAddFailed`). */
  onMessage(message: ModelAddResponse): void {
    this.pending.get(message.requestId)?.(message);
  }
}
