import type { InferencePool } from './inference-pool';
import type { RecognitionResult, Recognizer, RecognizerBias, RecognizeOptions } from './recognizer';

/** A Recognizer for one model id, running in the shared inference worker pool. */
export class PooledRecognizer implements Recognizer {
  readonly sampleRateHz = 16000;

  constructor(
    readonly modelId: string,
    private readonly pool: InferencePool,
    private readonly bias: RecognizerBias = {},
  ) {}

  async recognize(samples: Float32Array, options: RecognizeOptions = {}): Promise<RecognitionResult> {
    const { signal, transferSamples: transfer, priority, precedingText, supersedeKey } = options;
    const { prompt, language, task } = this.bias;
    const text = { prompt, precedingText, language, task };
    const { result, inferenceMs } = await this.pool.recognize(this.modelId, samples, { signal, transfer, priority, text, supersedeKey });
    return { ...result, timings: { ...result.timings, inferenceMs } };
  }
}
