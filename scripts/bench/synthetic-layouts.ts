/**
 * The synthetic models of bench:layouts: one per layout the service loads, with random weights at the size of
 * the published checkpoint, built by scripts/bench/make-synthetic-*.py into a folder outside git.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ModelPrecision } from '../../src/model/model-layout';
import { REPO_ROOT } from './bench-util';

export interface SyntheticLayout {
  /** Row name: the published model it has the size of. */
  name: string;
  /** The layout, as the README's layout table names it. */
  layout: string;
  /** Folder under the bench models folder. */
  folder: string;
  /** The generator and its arguments (the output folder is appended). */
  build: string[];
  /** The files users run by default: int8 where the catalog's archive has only int8. */
  precision: ModelPrecision;
  /** Fed as a live stream, chunk by chunk from state (else utterance by utterance, as the server's VAD cuts them). */
  streaming: boolean;
}

const PY = (script: string, ...args: string[]) => [path.join(REPO_ROOT, 'scripts', 'bench', script), ...args];

const LAYOUTS: SyntheticLayout[] = [
  { name: 'parakeet-tdt_ctc-110m (CTC)', layout: 'NeMo CTC', folder: 'parakeet-ctc-110m', build: PY('make-synthetic-nemo.py', 'parakeet-tdt_ctc-110m'), precision: 'int8', streaming: false },
  { name: 'nemo-ctc-en-conformer-small', layout: 'NeMo CTC', folder: 'conformer-ctc-small', build: PY('make-synthetic-nemo.py', 'conformer-ctc-small'), precision: 'fp32', streaming: false },
  { name: 'parakeet-tdt-0.6b-v2', layout: 'NeMo transducer (TDT)', folder: 'parakeet-tdt-0.6b-v2', build: PY('make-synthetic-nemo.py', 'parakeet-tdt-0.6b-v2'), precision: 'int8', streaming: false },
  { name: 'zipformer-en-2023-06-26', layout: 'Zipformer transducer (offline)', folder: 'zipformer-en', build: PY('make-synthetic-zipformer.py', 'offline'), precision: 'fp32', streaming: false },
  { name: 'streaming-zipformer-en-2023-06-26', layout: 'streaming Zipformer transducer', folder: 'streaming-zipformer-en', build: PY('make-synthetic-zipformer.py', 'streaming'), precision: 'fp32', streaming: true },
  { name: 'moonshine-tiny-en-int8', layout: 'Moonshine v1', folder: 'moonshine-tiny', build: PY('make-synthetic-moonshine.py', 'tiny'), precision: 'int8', streaming: false },
  { name: 'moonshine-base-en-int8', layout: 'Moonshine v1', folder: 'moonshine-base', build: PY('make-synthetic-moonshine.py', 'base'), precision: 'int8', streaming: false },
  { name: 'whisper-tiny', layout: 'Whisper', folder: 'whisper-tiny', build: PY('make-synthetic-whisper.py', 'tiny'), precision: 'fp32', streaming: false },
  { name: 'whisper-base', layout: 'Whisper', folder: 'whisper-base', build: PY('make-synthetic-whisper.py', 'base'), precision: 'fp32', streaming: false },
];

/** Every model as users run it by default, then the fp32-default ones again with MODEL_PRECISION=int8. */
export const SYNTHETIC_LAYOUTS: SyntheticLayout[] = [...LAYOUTS, ...LAYOUTS.filter((e) => e.precision === 'fp32').map((e) => ({ ...e, precision: 'int8' as const }))];

/** A row's key: folder and precision (BENCH_LAYOUTS takes folders or keys). */
export function layoutKey(entry: SyntheticLayout): string {
  return `${entry.folder}@${entry.precision}`;
}

/** Builds the model unless its folder is there (the generators write `synthetic.txt` last). */
export function ensureBuilt(entry: SyntheticLayout, modelsDir: string): string {
  const dir = path.join(modelsDir, entry.folder);
  if (!existsSync(path.join(dir, 'synthetic.txt'))) {
    console.log(`building ${entry.name} into ${dir} ...`);
    execFileSync('nice', ['-n', '10', '/usr/bin/python3', ...entry.build, dir], { stdio: ['ignore', 'inherit', 'ignore'] });
  }
  return dir;
}

/** Parameters (counted by the generator) and tokens per second forced on autoregressive decoders, if any. */
export function syntheticInfo(dir: string): { parameters: number; tokensPerSec?: number } {
  const fields = new Map(
    readFileSync(path.join(dir, 'synthetic.txt'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ') as [string, string]),
  );
  const tokensPerSec = fields.get('tokens_per_sec');
  return { parameters: Number(fields.get('parameters')), ...(tokensPerSec ? { tokensPerSec: Number(tokensPerSec) } : {}) };
}

/** Bytes of the ONNX files run at `precision` (int8 files, and float files that have no int8 twin). */
export function onnxBytes(dir: string, precision: ModelPrecision): number {
  const files = readdirSync(dir).filter((f) => f.endsWith('.onnx') || f.endsWith('.onnx.data'));
  const int8 = (f: string) => f.includes('.int8.');
  const chosen = files.filter((f) => (precision === 'int8' ? int8(f) || !files.includes(f.replace(/\.onnx$/, '.int8.onnx')) : !int8(f)));
  return chosen.reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
}
