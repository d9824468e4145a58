import * as ort from 'onnxruntime-node';

export type ExecutionProvider = 'cpu' | 'cuda';

export interface SessionOptions {
  executionProvider: ExecutionProvider;
  /** onnxruntime intra-op threads. */
  threads: number;
  /** Called once when CUDA was asked for but could not be used. */
  onFallback?: (reason: string) => void;
}

export interface LoadedSession {
  session: ort.InferenceSession;
  /** The provider the session really runs on. */
  provider: ExecutionProvider;
}

/**
 * Creates an onnxruntime session on the configured provider; CUDA falls back to CPU with a reason. `model` is the
 * file's bytes, or its path (onnxruntime then reads it, and finds external weights beside it, as a NeMo encoder's
 * `encoder.weights`).
 */
export async function createSession(model: Uint8Array | string, options: SessionOptions): Promise<LoadedSession> {
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  };
  if (options.executionProvider === 'cuda') {
    try {
      const session = await create(model, { ...base, executionProviders: ['cuda', 'cpu'] });
      return { session, provider: 'cuda' };
    } catch (err) {
      options.onFallback?.((err as Error).message.split('\n')[0]);
    }
  }
  const session = await create(model, { ...base, executionProviders: ['cpu'] });
  return { session, provider: 'cpu' };
}

function create(model: Uint8Array | string, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  return typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);
}

export function tensor(type: 'float32', data: Float32Array, dims: readonly number[]): ort.Tensor;
export function tensor(type: 'int64', data: BigInt64Array, dims: readonly number[]): ort.Tensor;
export function tensor(type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor(type, data, dims);
}

/** The output named `name`, or the session's output at `fallbackIndex`. */
export function output(results: ort.InferenceSession.OnnxValueMapType, session: ort.InferenceSession, name: string, fallbackIndex = 0): ort.Tensor {
  const value = results[name] ?? results[session.outputNames[fallbackIndex]];
  if (!value) throw new Error(`model has no output "${name}" (outputs: ${session.outputNames.join(', ')})`);
  return value as ort.Tensor;
}
