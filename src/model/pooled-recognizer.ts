import type { InferencePool } from './inference-pool';
import type { RecognitionResult, Recognizer, RecognizeOptions } from './recognizer';

/** A Recognizer for one model id, running in the shared inference worker pool. */
export class PooledRecognizer implements Recognizer {
  readonly sampleRateHz = 16000;

  constructor(
    readonly modelId: string,
    private readonly pool: InferencePool,
  ) {}

  async recognize(samples: Float32Array, options: RecognizeOptions = {}): Promise<RecognitionResult> {
    return (await this.pool.recognize(this.modelId, samples, { signal: options.signal, transfer: options.transferSamples, priority: options.priority })).result;
  }
}
