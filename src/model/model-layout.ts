import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The model folder layouts we recognize, as sherpa-onnx defines them:
 * - `nemo-ctc`: NeMo CTC export: `model.onnx` (audio_signal + length → logprobs) + `tokens.txt`
 * - `transducer`: icefall/Zipformer offline transducer: `encoder*.onnx`, `decoder*.onnx`, `joiner*.onnx` + `tokens.txt`
 * When a folder has both fp32 and `.int8.onnx` files, `precision` picks (fp32 by default). Either layout may carry
 * an n-gram LM (`lm.arpa.gz`, characters or words).
 */
export type ModelLayout = (
  | { kind: 'nemo-ctc'; dir: string; modelPath: string; tokensPath: string }
  | { kind: 'transducer'; dir: string; encoderPath: string; decoderPath: string; joinerPath: string; tokensPath: string }
) & {
  /** An n-gram LM for beam search (`lm.arpa.gz` or `lm.arpa`), if the folder has one. */
  lmPath?: string;
  /** Its weights for this model (`lm.json`: `{"scale": …, "lengthBonus": …}`), if given. */
  lmWeightsPath?: string;
};

/** Which ONNX files to run when a folder has both: float32 (`*.onnx`) or int8 (`*.int8.onnx`). */
export type ModelPrecision = 'fp32' | 'int8';

function pick(files: string[], prefix: string, precision: ModelPrecision): string | undefined {
  const matches = files.filter((f) => f.startsWith(prefix) && f.endsWith('.onnx')).sort();
  const isInt8 = (f: string) => f.includes('.int8.');
  return matches.find((f) => isInt8(f) === (precision === 'int8')) ?? matches[0];
}

/** Detects the layout of `dir`, or explains why it is not a model folder. */
export function detectModelLayout(dir: string, precision: ModelPrecision = 'fp32'): ModelLayout | { error: string } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { error: 'not a directory' };
  const files = readdirSync(dir);
  const tokensPath = path.join(dir, 'tokens.txt');
  if (!files.includes('tokens.txt')) return { error: 'no tokens.txt' };
  const lmFile = ['lm.arpa.gz', 'lm.arpa'].find((f) => files.includes(f));
  const lm = lmFile ? { lmPath: path.join(dir, lmFile), ...(files.includes('lm.json') ? { lmWeightsPath: path.join(dir, 'lm.json') } : {}) } : {};
  const encoder = pick(files, 'encoder', precision);
  const decoder = pick(files, 'decoder', precision);
  const joiner = pick(files, 'joiner', precision);
  if (encoder && decoder && joiner) {
    return {
      kind: 'transducer',
      dir,
      encoderPath: path.join(dir, encoder),
      decoderPath: path.join(dir, decoder),
      joinerPath: path.join(dir, joiner),
      tokensPath,
      ...lm,
    };
  }
  const model = pick(files, 'model', precision);
  if (model) return { kind: 'nemo-ctc', dir, modelPath: path.join(dir, model), tokensPath, ...lm };
  return { error: 'neither model.onnx (NeMo CTC) nor encoder/decoder/joiner .onnx files (transducer)' };
}
