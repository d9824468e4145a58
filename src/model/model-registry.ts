import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../errors';
import { detectModelLayout, type ModelLayout, type ModelPrecision } from './model-layout';

/** The file in a models folder that names its default model (one id), unless DEFAULT_MODEL is set. */
export const DEFAULT_MODEL_FILE = 'default-model.txt';

/** Names that OpenAI clients send and that mean "your default transcription model" here. */
export const BUILTIN_ALIASES = [
  'whisper-1',
  'gpt-4o-transcribe',
  'gpt-4o-mini-transcribe',
  'gpt-4o-transcribe-diarize',
  'gpt-realtime-whisper',
  'gpt-live-transcribe',
  'default',
];

export interface ModelEntry {
  id: string;
  layout: ModelLayout;
  /** Folder modification time, seconds since the epoch (OpenAI's `created`). */
  createdSec: number;
}

export interface RegistryScan {
  registry: ModelRegistry;
  /** Folders that were skipped, with the reason. */
  skipped: { dir: string; reason: string }[];
}

/** The models the service serves: one per folder of the models directory (id = folder name), plus aliases. */
export class ModelRegistry {
  readonly defaultId: string;
  private readonly byId: Map<string, ModelEntry>;
  private readonly aliases: Map<string, string>;

  constructor(entries: ModelEntry[], options: { defaultModel?: string; aliases?: Readonly<Record<string, string>> } = {}) {
    if (entries.length === 0) throw new Error('no models found');
    this.byId = new Map(entries.map((e) => [e.id, e]));
    const sorted = [...this.byId.keys()].sort();
    this.defaultId = options.defaultModel || sorted[0];
    if (!this.byId.has(this.defaultId)) throw new Error(`default model "${this.defaultId}" (DEFAULT_MODEL, or ${DEFAULT_MODEL_FILE} in the models folder) is not among the models found (${sorted.join(', ')})`);
    this.aliases = new Map(BUILTIN_ALIASES.map((a) => [a, this.defaultId]));
    for (const [alias, target] of Object.entries(options.aliases ?? {})) {
      if (!this.byId.has(target)) throw new Error(`MODEL_ALIASES maps "${alias}" to unknown model "${target}"`);
      this.aliases.set(alias, target);
    }
  }

  /** Scans `modelsDir`: every folder with ONNX files in a known layout is a model, its id the folder name. */
  static scan(modelsDir: string, options: { defaultModel?: string; aliases?: Readonly<Record<string, string>>; precision?: ModelPrecision } = {}): RegistryScan {
    if (!existsSync(modelsDir)) throw new Error(`models directory ${modelsDir} does not exist`);
    const entries: ModelEntry[] = [];
    const skipped: RegistryScan['skipped'] = [];
    for (const name of readdirSync(modelsDir).sort()) {
      const dir = path.join(modelsDir, name);
      if (!statSync(dir).isDirectory()) continue;
      // Folders without any ONNX file (test data, docs) are not models and not worth a warning (`.ort`: ONNX
      // Runtime's own format, which Moonshine v2 folders ship).
      if (!readdirSync(dir).some((f) => f.endsWith('.onnx') || f.endsWith('.ort'))) continue;
      const layout = detectModelLayout(dir, options.precision);
      if ('error' in layout) skipped.push({ dir, reason: layout.error });
      else entries.push({ id: name, layout, createdSec: Math.floor(statSync(dir).mtimeMs / 1000) });
    }
    if (entries.length === 0) {
      throw new Error(`no models found in ${modelsDir}: ${skipped.map((s) => `${path.basename(s.dir)} (${s.reason})`).join('; ') || 'empty'}`);
    }
    // A models folder may name its own default (`default-model.txt`: one id); DEFAULT_MODEL overrides it.
    const marker = path.join(modelsDir, DEFAULT_MODEL_FILE);
    const folderDefault = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : '';
    return { registry: new ModelRegistry(entries, { ...options, defaultModel: options.defaultModel || folderDefault }), skipped };
  }

  /** Whether `id` is a model (not an alias). */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Adds a model installed while serving (POST /v1/models/{id}); its id must be new. */
  add(entry: ModelEntry): void {
    if (this.byId.has(entry.id)) throw new Error(`model ${entry.id} is already registered`);
    this.byId.set(entry.id, entry);
  }

  get entries(): ModelEntry[] {
    return [...this.byId.values()];
  }

  get aliasMap(): ReadonlyMap<string, string> {
    return this.aliases;
  }

  /** Resolves a model id or alias (empty → default); unknown names are a 404 naming the parameter. */
  resolve(name: string | undefined): ModelEntry {
    const wanted = name?.trim() || this.defaultId;
    const id = this.byId.has(wanted) ? wanted : this.aliases.get(wanted);
    const entry = id === undefined ? undefined : this.byId.get(id);
    if (!entry) {
      throw new ApiError(404, `The model '${wanted}' does not exist. Available models: ${[...this.byId.keys(), ...this.aliases.keys()].join(', ')}.`, {
        param: 'model',
        code: 'model_not_found',
      });
    }
    return entry;
  }

  /** Layouts by id, for the inference workers. */
  layouts(): Record<string, ModelLayout> {
    return Object.fromEntries([...this.byId].map(([id, e]) => [id, e.layout]));
  }
}
