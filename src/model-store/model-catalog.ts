import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The catalog of published sherpa-onnx ASR archives (`models/catalog.json`): what `models pull NAME`,
 * MODELS_PULL and `POST /v1/models/{id}` accept by name. Every field comes from sherpa-onnx's documentation;
 * a field that could not be found there is left out and the entry's `note` says so.
 */

/** The folder layouts of sherpa-onnx's model archives (src/model/model-layout.ts detects those this build runs). */
export const CATALOG_LAYOUTS = ['nemo-ctc', 'transducer', 'nemo-transducer', 'online-transducer', 'moonshine', 'whisper'] as const;
export type CatalogLayout = (typeof CATALOG_LAYOUTS)[number];

/** An archive's base name: the folder inside the `.tar.bz2`, and the model id once installed. */
export const ARCHIVE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const werSchema = z.object({
  /** Word error rate, in percent. */
  percent: z.number().min(0),
  /** The test set it was measured on. */
  testSet: z.string().min(1),
  /** Who published it. */
  source: z.string().min(1),
});

const entrySchema = z.object({
  name: z.string().regex(ARCHIVE_NAME),
  url: z.url({ protocol: /^https?$/ }),
  layout: z.enum(CATALOG_LAYOUTS),
  /** ISO 639-1 codes, or `multilingual` where the docs do not list them. */
  languages: z.array(z.string().min(2)).min(1),
  /** Unpacked size of the ONNX files as published, in MB (1 MB = 2^20 bytes, as `ls -lh` prints). */
  sizeMB: z.number().positive().optional(),
  /** The files and sizes as the docs list them. */
  publishedFiles: z.string().optional(),
  wer: z.array(werSchema).optional(),
  /** SPDX id, when published. */
  license: z.string().optional(),
  /** SHA-256 of the archive (hex), only when published: the download is verified against it. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** The documentation page the entry was taken from. */
  source: z.url().optional(),
  note: z.string().optional(),
});

const catalogSchema = z.object({ note: z.string().optional(), models: z.array(entrySchema) });

export type CatalogEntry = z.output<typeof entrySchema>;

/** The catalog shipped with the package (models/catalog.json beside src/ and dist/). */
export const CATALOG_FILE = path.resolve(__dirname, '..', '..', 'models', 'catalog.json');

export class ModelCatalog {
  private readonly byName: Map<string, CatalogEntry>;

  constructor(readonly entries: readonly CatalogEntry[]) {
    this.byName = new Map(entries.map((e) => [e.name, e]));
    if (this.byName.size !== entries.length) throw new Error('the model catalog names a model twice');
    for (const e of entries) {
      if (archiveBaseName(e.url) !== e.name) throw new Error(`catalog entry ${e.name}: its URL's file is not ${e.name}.tar.bz2`);
    }
  }

  /** Reads and checks a catalog file (the package's by default). */
  static load(file: string = CATALOG_FILE): ModelCatalog {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      // e.g. a container whose models folder was mounted over the package's (the catalog ships in it).
      throw new Error(`cannot read the model catalog ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const parsed = catalogSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`invalid model catalog ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return new ModelCatalog(parsed.data.models);
  }

  find(name: string): CatalogEntry | undefined {
    return this.byName.get(name);
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }
}

/** `…/sherpa-onnx-whisper-tiny.en.tar.bz2?x` → `sherpa-onnx-whisper-tiny.en`; undefined when the URL names no `.tar.bz2`. */
export function archiveBaseName(url: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const file = decodeURIComponent(pathname.slice(pathname.lastIndexOf('/') + 1));
  if (!file.endsWith('.tar.bz2')) return undefined;
  const name = file.slice(0, -'.tar.bz2'.length);
  return ARCHIVE_NAME.test(name) ? name : undefined;
}
