/**
 * sherpa-onnx-node's offline recognizer over one of our model folders: the independent implementation the
 * parity test and the benchmark compare against. (sherpa-onnx-node ships no type declarations; these are
 * the parts of its API we use.)
 */
import type { ModelLayout } from '../../src/model/model-layout';

export interface SherpaResult {
  text: string;
  tokens: string[];
  /** Token start times, in seconds. */
  timestamps: number[];
}

export interface SherpaRecognizer {
  createStream(): { acceptWaveform(w: { sampleRate: number; samples: Float32Array }): void };
  decode(stream: unknown): void;
  getResult(stream: unknown): SherpaResult;
}

/** sherpa-onnx-node's Whisper options: `language` ('' detects), `task` ('transcribe' or 'translate'). */
export interface SherpaWhisperOptions {
  language?: string;
  task?: 'transcribe' | 'translate';
}

export function sherpaRecognizer(layout: ModelLayout, whisper: SherpaWhisperOptions = {}): SherpaRecognizer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sherpa = require('sherpa-onnx-node') as { OfflineRecognizer: new (config: unknown) => SherpaRecognizer };
  const modelConfig =
    layout.kind === 'nemo-ctc'
      ? { nemoCtc: { model: layout.modelPath } }
      : layout.kind === 'whisper'
        ? { whisper: { encoder: layout.encoderPath, decoder: layout.decoderPath, language: whisper.language ?? '', task: whisper.task ?? 'transcribe', tailPaddings: -1 } }
      : layout.kind === 'moonshine'
        ? { moonshine: sherpaMoonshineConfig(layout) }
        : { transducer: { encoder: layout.encoderPath, decoder: layout.decoderPath, joiner: layout.joinerPath } };
  return new sherpa.OfflineRecognizer({
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: { ...modelConfig, tokens: layout.tokensPath, numThreads: 1, provider: 'cpu', debug: 0 },
    decodingMethod: 'greedy_search',
  });
}

/** sherpa-onnx-node's `moonshine` model config: v1's four graphs, or v2's encoder and merged decoder. */
function sherpaMoonshineConfig(layout: Extract<ModelLayout, { kind: 'moonshine' }>): Record<string, string> {
  return layout.version === 1
    ? { preprocessor: layout.preprocessorPath, encoder: layout.encoderPath, uncachedDecoder: layout.uncachedDecoderPath, cachedDecoder: layout.cachedDecoderPath }
    : { encoder: layout.encoderPath, mergedDecoder: layout.mergedDecoderPath };
}

/** sherpa-onnx's one-shot decode of 16 kHz samples. */
export function sherpaDecode(recognizer: SherpaRecognizer, samples: Float32Array): SherpaResult {
  const stream = recognizer.createStream();
  stream.acceptWaveform({ sampleRate: 16000, samples });
  recognizer.decode(stream);
  return recognizer.getResult(stream);
}
