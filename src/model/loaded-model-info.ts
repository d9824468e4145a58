import type { AcousticModel } from './acoustic-model';
import type { LoadedModelInfo } from './inference-protocol';

/** What a worker reports of a model it loaded (at start, or when one is added while serving). */
export function loadedModelInfo(m: AcousticModel): LoadedModelInfo {
  const { method, beamSize, lmFile, lmUnit, lmWeights } = m.decoding;
  const decoding = { method, beamSize, ...(lmFile && lmUnit && lmWeights ? { lm: { file: lmFile, unit: lmUnit, ...lmWeights } } : {}) };
  return { kind: m.kind, provider: m.provider, vocabSize: m.tokens.size, frameSec: m.frameSec, featureEngine: m.featureEngine, decoding, metadata: { ...m.metadata } };
}

/**
 * The WebAssembly module computes Kaldi and NeMo fbanks; a model of such a layout computing them in JavaScript
 * means the module failed to load. Whisper's log-mel is JavaScript by design and Moonshine takes raw audio.
 */
const WASM_FEATURE_KINDS: ReadonlySet<AcousticModel['kind']> = new Set<AcousticModel['kind']>(['nemo-ctc', 'transducer', 'nemo-transducer', 'online-transducer']);

/** The warning a worker logs for a model whose features fell back to JavaScript, if any. */
export function featureFallbackWarning(id: string, m: AcousticModel): string | undefined {
  if (m.featureEngine !== 'js' || !WASM_FEATURE_KINDS.has(m.kind)) return undefined;
  return `model ${id}: the WebAssembly feature module could not be loaded; computing features in JavaScript (about 3x slower)`;
}
