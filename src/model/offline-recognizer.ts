import type { AcousticModel } from './acoustic-model';
import type { TextContext } from './decoding';
import type { RecognitionResult } from './recognizer';
import { tokensToWords } from './words';

export type { AcousticModel } from './acoustic-model';
export { loadModel } from './model-factory';

/** The whole offline pipeline for one utterance of 16 kHz samples, run where the model lives (a worker). */
export async function recognizeWith(model: AcousticModel, samples: Float32Array, context?: TextContext): Promise<RecognitionResult> {
  const sampleRateHz = 16000;
  const features = model.computeFeatures(samples);
  const tokens = await model.decode(features, context);
  const { text, words, tokens: logprobs } = tokensToWords(tokens, model.tokens, model.frameSec);
  return { text, words, durationSec: samples.length / sampleRateHz, tokens: logprobs };
}
