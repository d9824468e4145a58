import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readFolderLanguages } from './folder-languages';
import { readModelFolderMetadata } from './model-folder-metadata';
import { detectWhisper, type WhisperLayout } from './whisper/whisper-layout';
import { detectMoonshine, type MoonshineLayout } from './moonshine/moonshine-layout';
import { detectNemoTransducer, type NemoTransducerLayout } from './nemo-transducer/nemo-transducer-layout';
import { detectOnlineTransducer, type OnlineTransducerLayout } from './online-transducer/online-transducer-layout';

/**
 * The model folder layouts we recognize, as sherpa-onnx defines them. Each layout is one member of the union
 * below and one detector in DETECTORS (tried in order, most specific first):
 * - `online-transducer`: streaming Zipformer2 transducer (encoder metadata `model_type=zipformer2` with `T`,
 *   `decode_chunk_len` and the cache shapes; online-transducer/online-transducer-layout.ts)
 * - `nemo-transducer`: NeMo RNN-T/TDT (Parakeet): the same three files, told apart by the encoder's `model_type`
 *   metadata (nemo-transducer/nemo-transducer-layout.ts)
 * - `transducer`: icefall/Zipformer offline transducer: `encoder*.onnx`, `decoder*.onnx`, `joiner*.onnx` + `tokens.txt`
 * - `whisper`: Whisper encoder/decoder (`<name>-encoder.onnx`, `<name>-decoder.onnx`, `<name>-tokens.txt`),
 *   told by the encoder's Whisper metadata (whisper/whisper-layout.ts)
 * - `nemo-ctc`: NeMo CTC export: `model.onnx` (audio_signal + length → logprobs) + `tokens.txt`
 * - `moonshine`: Moonshine v1 (`preprocess`, `encode`, `uncached_decode`, `cached_decode`) or v2 (`encoder_model`,
 *   `decoder_model_merged`) + `tokens.txt` (moonshine/moonshine-layout.ts)
 * When a folder has both fp32 and `.int8.onnx` files, `precision` picks (fp32 by default). A layout may carry an
 * n-gram LM (`lm.arpa.gz`, characters or words).
 */
export type ModelLayout = (
  | { kind: 'nemo-ctc'; dir: string; modelPath: string; tokensPath: string }
  | { kind: 'transducer'; dir: string; encoderPath: string; decoderPath: string; joinerPath: string; tokensPath: string }
  | WhisperLayout
  | MoonshineLayout
  | NemoTransducerLayout
  | OnlineTransducerLayout
) &
  LmFiles &
  FolderLanguages;

/** The languages a folder's `languages.txt` names (folder-languages.ts), for models whose files do not say. */
export interface FolderLanguages {
  languages?: readonly string[];
}

/** An n-gram LM for beam search, if the folder has one. */
export interface LmFiles {
  /** `lm.arpa.gz` or `lm.arpa`. */
  lmPath?: string;
  /** Its weights for this model (`lm.json`: `{"scale": …, "lengthBonus": …}`), if given. */
  lmWeightsPath?: string;
}

/** Which ONNX files to run when a folder has both: float32 (`*.onnx`) or int8 (`*.int8.onnx`). */
export type ModelPrecision = 'fp32' | 'int8';

/** What a detector sees of a folder. */
export interface ModelFolder {
  dir: string;
  files: string[];
  precision: ModelPrecision;
  /** The `.onnx` file whose name starts with `prefix`, of the wanted precision where both exist. */
  pick(prefix: string): string | undefined;
  /** A file's path in the folder. */
  file(name: string): string;
  /** The ONNX metadata of a file in the folder ({} when it cannot be read). */
  metadata(name: string): Readonly<Record<string, string>>;
}

/** Recognizes one layout in a folder, or returns undefined. */
export type LayoutDetector = (folder: ModelFolder) => Omit<ModelLayout, keyof LmFiles | keyof FolderLanguages> | undefined;

function pick(files: string[], prefix: string, precision: ModelPrecision): string | undefined {
  const matches = files.filter((f) => f.startsWith(prefix) && f.endsWith('.onnx')).sort();
  const isInt8 = (f: string) => f.includes('.int8.');
  return matches.find((f) => isInt8(f) === (precision === 'int8')) ?? matches[0];
}

const detectTransducer: LayoutDetector = (folder) => {
  const [encoder, decoder, joiner] = ['encoder', 'decoder', 'joiner'].map((p) => folder.pick(p));
  if (!encoder || !decoder || !joiner || !folder.files.includes('tokens.txt')) return undefined;
  return { kind: 'transducer', dir: folder.dir, encoderPath: folder.file(encoder), decoderPath: folder.file(decoder), joinerPath: folder.file(joiner), tokensPath: folder.file('tokens.txt') };
};

const detectNemoCtc: LayoutDetector = (folder) => {
  const model = folder.pick('model');
  if (!model || !folder.files.includes('tokens.txt')) return undefined;
  return { kind: 'nemo-ctc', dir: folder.dir, modelPath: folder.file(model), tokensPath: folder.file('tokens.txt') };
};

/** Every layout's detector, most specific first (a new layout adds its line here and its loader in model-factory.ts). */
const DETECTORS: LayoutDetector[] = [detectWhisper, detectMoonshine, detectOnlineTransducer, detectNemoTransducer, detectTransducer, detectNemoCtc];

/** Detects the layout of `dir`, or explains why it is not a model folder. */
export function detectModelLayout(dir: string, precision: ModelPrecision = 'fp32'): ModelLayout | { error: string } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { error: 'not a directory' };
  const files = readdirSync(dir);
  const folder: ModelFolder = {
    dir,
    files,
    precision,
    pick: (prefix) => pick(files, prefix, precision),
    file: (name) => path.join(dir, name),
    metadata: (name) => readModelFolderMetadata(path.join(dir, name)),
  };
  const lmFile = ['lm.arpa.gz', 'lm.arpa'].find((f) => files.includes(f));
  const lm: LmFiles = lmFile ? { lmPath: path.join(dir, lmFile), ...(files.includes('lm.json') ? { lmWeightsPath: path.join(dir, 'lm.json') } : {}) } : {};
  const languages = readFolderLanguages(dir, files);
  for (const detect of DETECTORS) {
    const layout = detect(folder);
    if (layout) return { ...layout, ...lm, ...(languages ? { languages } : {}) } as ModelLayout;
  }
  if (!files.some((f) => f.endsWith('tokens.txt'))) return { error: 'no tokens.txt' };
  return { error: 'no known layout (NeMo CTC model.onnx, or transducer encoder/decoder/joiner .onnx files)' };
}
