/** Messages between the VAD worker thread and its client (`vad-worker-client.ts`). */

export interface VadWorkerData {
  modelPath: string;
  /** Tests of crash handling only: honour `exit` requests (see below). */
  allowExitRequests?: boolean;
}

export type VadRequest =
  /** Probabilities for `samples` (a multiple of 512 samples) on stream `streamId`, creating its state if new. */
  | { kind: 'process'; requestId: number; streamId: number; samples: Float32Array }
  /** The same for several streams in one batched pass: `samples` is each member's equal share, in order. */
  | { kind: 'process_batch'; requestId: number; streamIds: number[]; samples: Float32Array }
  /** Zeroes a stream's recurrent state. */
  | { kind: 'reset'; streamId: number }
  /** Forgets a stream's state. */
  | { kind: 'close'; streamId: number }
  /**
   * Tests only (with `allowExitRequests`): the worker exits between two model runs, as a crash would.
   * Terminating it from outside can abort the whole process if that lands inside onnxruntime's native run.
   */
  | { kind: 'exit' };

export type VadResponse =
  | { kind: 'ready' }
  | { kind: 'init_failed'; message: string }
  | { kind: 'result'; requestId: number; probabilities: Float32Array }
  /** For `process_batch`: each member's probabilities, concatenated in member order. */
  | { kind: 'failure'; requestId: number; message: string };
