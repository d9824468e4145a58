import type { RecognitionResult, Recognizer, RecognizeOptions } from '../model/recognizer';
import type { TraceSpan } from './trace-span';

/**
 * A recognizer whose every recognition becomes spans under `parent`: `stt.recognize` (the call, from queueing
 * to result), split into `stt.queue_wait` and `stt.inference` (the worker's time, reported with the result),
 * itself split into `stt.features` and `stt.decoding` when the worker measured them. The worker runs in
 * another thread, so the spans are recorded on the main thread afterwards with explicit times (inference
 * ends when the result arrives; the features come first, decoding after them).
 */
export class TracedRecognizer implements Recognizer {
  constructor(
    private readonly inner: Recognizer,
    private readonly parent: TraceSpan,
  ) {}

  get modelId(): string {
    return this.inner.modelId;
  }

  get sampleRateHz(): number {
    return this.inner.sampleRateHz;
  }

  async recognize(samples: Float32Array, options?: RecognizeOptions): Promise<RecognitionResult> {
    const startMs = performance.now();
    const attributes = { 'stt.model': this.inner.modelId, 'stt.priority': options?.priority ?? 'normal', 'stt.audio_sec': samples.length / this.inner.sampleRateHz };
    let result: RecognitionResult;
    try {
      result = await this.inner.recognize(samples, options);
    } catch (err) {
      this.parent.record('stt.recognize', startMs, performance.now(), attributes, err);
      throw err;
    }
    const endMs = performance.now();
    const span = this.parent.record('stt.recognize', startMs, endMs, attributes);
    const { inferenceMs, featuresMs, decodingMs } = result.timings ?? {};
    if (inferenceMs !== undefined) {
      const inferenceStartMs = Math.max(startMs, endMs - inferenceMs);
      span.record('stt.queue_wait', startMs, inferenceStartMs);
      const inference = span.record('stt.inference', inferenceStartMs, endMs);
      if (featuresMs !== undefined) {
        const featuresEndMs = Math.min(endMs, inferenceStartMs + featuresMs);
        inference.record('stt.features', inferenceStartMs, featuresEndMs);
        if (decodingMs !== undefined) inference.record('stt.decoding', featuresEndMs, Math.min(endMs, featuresEndMs + decodingMs));
      }
    }
    return result;
  }
}
