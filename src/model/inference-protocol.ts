import type { DecodingConfig, DecodingMethod, TextContext } from './decoding';
import type { ModelLayout } from './model-layout';
import type { ExecutionProvider } from './ort-session';
import type { RecognitionResult } from './recognizer';
import type { StreamRequest, StreamResponse } from './stream-protocol';

/** Messages between the inference pool (main thread) and its worker threads. */
export interface InferenceWorkerData {
  layouts: Record<string, ModelLayout>;
  executionProvider: ExecutionProvider;
  threads: number;
  decoding: DecodingConfig;
  /**
   * Tests of crash handling only: a job naming this model id makes the worker exit at once with the job in
   * hand, as a native crash would (terminating a worker from outside can abort the whole process if it
   * lands inside onnxruntime's native run).
   */
  crashOnModelId?: string;
}

export interface LoadedModelInfo {
  kind: ModelLayout['kind'];
  provider: ExecutionProvider;
  vocabSize: number;
  frameSec: number;
  /** Where the features are computed: the WebAssembly module, or the JavaScript fallback. */
  featureEngine: 'wasm' | 'js' | 'model';
  /** How the model decodes, and with which LM. */
  decoding: { method: DecodingMethod; beamSize: number; lm?: { file: string; unit: 'character' | 'word'; scale: number; lengthBonus: number; unknownWordPenalty: number } };
  metadata: Record<string, string>;
}

export type WorkerRequest =
  | { type: 'recognize'; jobId: number; modelId: string; samples: Float32Array; text?: TextContext }
  /** Several jobs of one model in one run (see InferencePool's batching); answered by one `batchResult` (or `error`) under the first job's id. */
  | { type: 'recognizeBatch'; jobId: number; modelId: string; items: { samples: Float32Array; text?: TextContext }[] }
  | StreamRequest
  | ModelAddRequest;

/**
 * `inferenceMs` (here and in StreamResponse): the worker thread's time for the job, in ms; when jobs and stream
 * requests interleave in one worker, each one's share of that time (worker-busy-clock.ts).
 */
export type WorkerResponse =
  | { type: 'ready'; models: Record<string, LoadedModelInfo>; warnings: string[] }
  | { type: 'fatal'; message: string }
  | { type: 'result'; jobId: number; result: RecognitionResult; inferenceMs: number }
  | { type: 'batchResult'; jobId: number; results: RecognitionResult[]; inferenceMs: number }
  | { type: 'error'; jobId: number; message: string }
  | StreamResponse
  | ModelAddResponse;

/** Loads one more model into a running worker (a model pulled while serving); answered by `modelAdded` or `modelAddFailed`. */
export interface ModelAddRequest {
  type: 'addModel';
  requestId: number;
  modelId: string;
  layout: ModelLayout;
}

export type ModelAddResponse =
  | { type: 'modelAdded'; requestId: number; modelId: string; info: LoadedModelInfo; warnings: string[] }
  | { type: 'modelAddFailed'; requestId: number; modelId: string; message: string };
