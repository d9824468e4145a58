import path from 'node:path';
import type { LayoutDetector, ModelFolder } from '../model-layout';
import type { ExecutionProvider } from '../ort-session';
import type { MoonshineStepper } from './moonshine-greedy-decoder';

/**
 * The two Moonshine folder layouts sherpa-onnx-node 1.13.8 loads (`moonshine: {…}` in its model config):
 * - v1 (`sherpa-onnx-moonshine-{tiny,base}-en-int8`): `preprocess.onnx`, `encode.int8.onnx`,
 *   `uncached_decode.int8.onnx`, `cached_decode.int8.onnx` (or their float32 `.onnx`) + `tokens.txt`
 *   → `{preprocessor, encoder, uncachedDecoder, cachedDecoder}`
 * - v2 (`sherpa-onnx-moonshine-<size>-<lang>-2026-02-27`): `encoder_model.ort` and `decoder_model_merged.ort`
 *   (or `.onnx`) + base64 `tokens.txt` → `{encoder, mergedDecoder}`; one language each (ar, en, es, ja, ko, uk,
 *   vi, zh), as the folder's name says
 */
export type MoonshineLayout = { kind: 'moonshine'; dir: string; tokensPath: string; encoderPath: string } & (
  | { version: 1; preprocessorPath: string; uncachedDecoderPath: string; cachedDecoderPath: string }
  | { version: 2; mergedDecoderPath: string; /** ISO-639-1, from the published folder name (else `en`). */ language: string }
);

/** What a Moonshine model runs, whatever its version. */
export interface MoonshineGraphs {
  readonly version: 1 | 2;
  readonly provider: ExecutionProvider;
  /** Tokens per second of audio the greedy search may produce at most (sherpa-onnx's rule for this version). */
  readonly tokensPerSec: number;
  /** Runs 16 kHz samples through the encoder: its frame count and a decoder over its output. */
  encode(samples: Float32Array): Promise<{ frames: number; stepper: MoonshineStepper }>;
}

/** The language of a v2 folder from its published name, `sherpa-onnx-moonshine-<size>-<lang>-<date>` (else `en`). */
export function moonshineLanguage(dir: string): string {
  return /moonshine-(?:tiny|base|small|medium)-([a-z]{2})(?:-|$)/i.exec(path.basename(dir))?.[1].toLowerCase() ?? 'en';
}

/** `base` + `.int8.onnx` / `.onnx` (the wanted precision first) / `.ort`, whichever the folder has. */
function find(folder: ModelFolder, base: string): string | undefined {
  const onnx = folder.precision === 'int8' ? ['.int8.onnx', '.onnx'] : ['.onnx', '.int8.onnx'];
  const name = [...onnx, '.int8.ort', '.ort'].map((ext) => base + ext).find((f) => folder.files.includes(f));
  return name && folder.file(name);
}

export const detectMoonshine: LayoutDetector = (folder) => {
  if (!folder.files.includes('tokens.txt')) return undefined;
  const common = { kind: 'moonshine' as const, dir: folder.dir, tokensPath: folder.file('tokens.txt') };
  const [preprocessor, encoder, uncached, cached] = ['preprocess', 'encode', 'uncached_decode', 'cached_decode'].map((b) => find(folder, b));
  if (preprocessor && encoder && uncached && cached) {
    return { ...common, version: 1, preprocessorPath: preprocessor, encoderPath: encoder, uncachedDecoderPath: uncached, cachedDecoderPath: cached };
  }
  const [encoderModel, merged] = ['encoder_model', 'decoder_model_merged'].map((b) => find(folder, b));
  if (encoderModel && merged) return { ...common, version: 2, encoderPath: encoderModel, mergedDecoderPath: merged, language: moonshineLanguage(folder.dir) };
  return undefined;
};
