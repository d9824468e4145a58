import type { RecognitionResult } from './recognizer';
import { CtcModel } from './ctc/ctc-model';
import type { DecodingConfig, TextContext } from './decoding';
import type { ModelLayout } from './model-layout';
import type { SessionOptions } from './ort-session';
import { TransducerModel } from './transducer/transducer-model';
import { tokensToWords } from './words';

/** A loaded model of either family: features → model → decoder. */
export type AcousticModel = CtcModel | TransducerModel;

/** Loads a model; it decodes greedily unless `decoding` says otherwise (the service passes its configuration). */
export async function loadModel(layout: ModelLayout, options: SessionOptions, decoding?: Readonly<DecodingConfig>): Promise<AcousticModel> {
  if (layout.kind === 'nemo-ctc') return CtcModel.load(layout, options, decoding);
  return TransducerModel.load(layout, options, decoding);
}

/** The whole offline pipeline for one utterance of 16 kHz samples, run where the model lives (a worker). */
export async function recognizeWith(model: AcousticModel, samples: Float32Array, context?: TextContext): Promise<RecognitionResult> {
  const sampleRateHz = 16000;
  const features = model.computeFeatures(samples);
  const tokens = await model.decode(features, context);
  const { text, words, tokens: logprobs } = tokensToWords(tokens, model.tokens, model.frameSec);
  return { text, words, durationSec: samples.length / sampleRateHz, tokens: logprobs };
}
