import type { AcousticModel } from './acoustic-model';
import type { TextContext } from './decoding';
import type { RecognitionResult } from './recognizer';
import { tokensToWords } from './words';

export type { AcousticModel } from './acoustic-model';
export { loadModel } from './model-factory';

/** The whole offline pipeline for one utterance of 16 kHz samples, run where the model lives (a worker). */
export async function recognizeWith(model: AcousticModel, samples: Float32Array, context?: TextContext): Promise<RecognitionResult> {
  const sampleRateHz = 16000;
  if (model.recognize) return model.recognize(samples, context);
  const featuresStarted = performance.now();
  const features = model.computeFeatures(samples);
  const decodingStarted = performance.now();
  const tokens = await model.decode(features, context);
  const timings = { featuresMs: decodingStarted - featuresStarted, decodingMs: performance.now() - decodingStarted };
  const { text, words, tokens: logprobs } = tokensToWords(tokens, model.tokens, model.frameSec);
  return { text, words, durationSec: samples.length / sampleRateHz, tokens: logprobs, timings };
}

/**
 * The offline pipeline for several utterances at once: features per item, one batched model run when the
 * family offers `decodeBatch` (the same results as one by one; see AcousticModel), else one run per item.
 */
export async function recognizeBatchWith(model: AcousticModel, items: readonly Float32Array[], contexts: readonly (TextContext | undefined)[]): Promise<RecognitionResult[]> {
  if (!model.decodeBatch || items.length === 1) {
    const results: RecognitionResult[] = [];
    for (let i = 0; i < items.length; i++) results.push(await recognizeWith(model, items[i], contexts[i]));
    return results;
  }
  const sampleRateHz = 16000;
  const featuresStarted = performance.now();
  const features = items.map((samples) => model.computeFeatures(samples));
  const decodingStarted = performance.now();
  const decoded = await model.decodeBatch(features, contexts);
  // The batch's figures, for each of its items (as the pool reports the batch's inference time).
  const timings = { featuresMs: decodingStarted - featuresStarted, decodingMs: performance.now() - decodingStarted };
  return decoded.map((tokens, i) => {
    const { text, words, tokens: logprobs } = tokensToWords(tokens, model.tokens, model.frameSec);
    return { text, words, durationSec: items[i].length / sampleRateHz, tokens: logprobs, timings };
  });
}
