import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../errors';
import { languagesFileText, LANGUAGES_FILE } from '../model/folder-languages';
import { detectModelLayout, type ModelLayout, type ModelPrecision } from '../model/model-layout';
import { resolveArchiveSource, type ArchiveSource } from './archive-source';
import { ARCHIVE_NAME, ModelCatalog } from './model-catalog';
import { acquirePullLock } from './pull-lock';
import { downloadResumable, type DownloadOptions } from './resumable-download';
import { ArchiveError, extractTarBz2 } from './tar-bz2-extract';

export interface ModelPullerOptions {
  /** Where models are installed (one folder per model). */
  modelsDir: string;
  /** The catalog of names; the package's `models/catalog.json` when not given (read on first use). */
  catalog?: ModelCatalog;
  /** MODEL_MIRROR_URL: a base URL the archive's file name is fetched from instead of its published URL. */
  mirrorUrl?: string;
  /** Which files the layout check picks when a folder has both fp32 and int8 (MODEL_PRECISION). */
  precision?: ModelPrecision;
  /** Retry and timeout knobs of the download (tests shorten them). */
  download?: Pick<DownloadOptions, 'attempts' | 'retryDelayMs' | 'idleTimeoutMs'>;
}

/** What a pull reports while it runs. */
export interface PullEvents {
  /** Bytes of the archive on disk so far, and its size when the server says it. */
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
  /** The step that starts now. */
  onStage?: (stage: 'download' | 'verify' | 'extract') => void;
}

export interface PulledModel {
  /** The model id: its folder name in the models directory. */
  id: string;
  dir: string;
  layout: ModelLayout;
  /** It was there already: nothing was downloaded. */
  alreadyInstalled: boolean;
}

/**
 * Downloads and installs models into the models directory. A pull is: resolve the name or URL → download the
 * `.tar.bz2` to `MODELS_DIR/NAME.tar.bz2.partial` (resumed with Range requests, kept across failures) →
 * verify its SHA-256 when the catalog has one → unpack into a temporary folder inside MODELS_DIR (refusing
 * entries that leave it) → check that this build can load the folder (detectModelLayout, and the catalog's
 * layout) → rename it into place. A half-written model folder is never visible; concurrent pulls of one model
 * share one download.
 */
export class ModelPuller {
  private catalogCache: ModelCatalog | undefined;
  private readonly inFlight = new Map<string, Promise<PulledModel>>();

  constructor(private readonly options: ModelPullerOptions) {
    this.catalogCache = options.catalog;
  }

  get catalog(): ModelCatalog {
    this.catalogCache ??= ModelCatalog.load();
    return this.catalogCache;
  }

  /** Resolves a catalog name or archive URL (404 for unknown names) without downloading anything. */
  resolve(nameOrUrl: string): ArchiveSource {
    return resolveArchiveSource(nameOrUrl, this.catalog, this.options.mirrorUrl);
  }

  /** Pulls one model (see the class); an installed one is returned as it is. */
  pull(nameOrUrl: string, events: PullEvents = {}): Promise<PulledModel> {
    let source: ArchiveSource;
    let installed: PulledModel | undefined;
    try {
      source = this.resolve(nameOrUrl);
      installed = this.installed(source.name);
    } catch (err) {
      return Promise.reject(err);
    }
    if (installed) return Promise.resolve(installed);
    const running = this.inFlight.get(source.name);
    if (running) return running;
    const name = source.name;
    const pulling = this.download(source, events).finally(() => this.inFlight.delete(name));
    this.inFlight.set(name, pulling);
    return pulling;
  }

  /** The model folder `id` when it exists and this build can load it. */
  private installed(id: string): PulledModel | undefined {
    const dir = path.join(this.options.modelsDir, id);
    if (!existsSync(dir)) return undefined;
    const layout = detectModelLayout(dir, this.options.precision);
    if ('error' in layout) throw new ApiError(409, `${dir} exists but is not a model folder this build can load (${layout.error}); remove it to pull ${id} again.`, { param: 'model', code: 'model_folder_invalid' });
    return { id, dir, layout, alreadyInstalled: true };
  }

  private async download(source: ArchiveSource, events: PullEvents): Promise<PulledModel> {
    const { modelsDir } = this.options;
    const partialPath = path.join(modelsDir, `${source.name}.tar.bz2.partial`);
    await mkdir(modelsDir, { recursive: true });
    const release = await acquirePullLock(`${partialPath}.lock`, source.name);
    try {
      return await this.downloadLocked(source, partialPath, events);
    } finally {
      await release();
    }
  }

  private async downloadLocked(source: ArchiveSource, partialPath: string, events: PullEvents): Promise<PulledModel> {
    const { modelsDir } = this.options;
    events.onStage?.('download');
    try {
      await downloadResumable({ url: source.url, partialPath, onProgress: events.onProgress, ...this.options.download });
    } catch (err) {
      throw new ApiError(502, `Downloading ${source.name} from ${source.url} failed: ${(err as Error).message}`, { code: 'model_download_failed', cause: err });
    }
    if (source.entry?.sha256) {
      events.onStage?.('verify');
      const actual = await sha256Of(partialPath);
      if (actual !== source.entry.sha256) {
        await rm(partialPath, { force: true });
        throw new ApiError(502, `The download of ${source.name} is corrupt: its SHA-256 is ${actual}, the catalog says ${source.entry.sha256}. It was deleted; pull again.`, { code: 'model_checksum_mismatch' });
      }
    }
    events.onStage?.('extract');
    // Unpacking folders a killed pull of this model left behind (we hold its lock: no one else is using them).
    for (const stale of (await readdir(modelsDir)).filter((f) => f.startsWith(`.pull-${source.name}-`))) {
      await rm(path.join(modelsDir, stale), { recursive: true, force: true });
    }
    const tmpRoot = await mkdtemp(path.join(modelsDir, `.pull-${source.name}-`));
    try {
      const unpacked = path.join(tmpRoot, 'unpacked');
      await mkdir(unpacked);
      try {
        await extractTarBz2(partialPath, unpacked);
      } catch (err) {
        // A corrupt archive would be resumed past its end forever: start over next time.
        await rm(partialPath, { force: true });
        if (err instanceof ArchiveError) throw new ApiError(502, `The archive of ${source.name} was refused: ${err.message}. Nothing was installed.`, { code: 'model_archive_invalid', cause: err });
        throw err;
      }
      const { id, dir } = await modelFolderIn(unpacked, source.name);
      await writeCatalogLanguages(dir, source);
      try {
        this.checkLoadable(dir, id, source);
      } catch (err) {
        await rm(partialPath, { force: true });
        throw err;
      }
      const target = path.join(modelsDir, id);
      if (existsSync(target)) return this.installed(id)!;
      await rename(dir, target);
      await rm(partialPath, { force: true });
      return { id, dir: target, layout: this.layoutOf(target, id), alreadyInstalled: false };
    } finally {
      await rm(tmpRoot, { recursive: true, force: true });
    }
  }

  /** This build must recognize the folder, as the layout the catalog names when it names one. */
  private checkLoadable(dir: string, id: string, source: ArchiveSource): void {
    const layout = detectModelLayout(dir, this.options.precision);
    const wanted = source.entry?.layout;
    if ('error' in layout) {
      throw new ApiError(422, `${id} is not a model folder this build can load (${layout.error})${wanted ? `: it is a ${wanted} model` : ''}. Nothing was installed.`, { param: 'model', code: 'unsupported_model_layout' });
    }
    if (wanted !== undefined && layout.kind !== wanted) {
      throw new ApiError(422, `${id} is a ${wanted} model, which this build cannot load (its files look like a ${layout.kind} folder to it). Nothing was installed.`, { param: 'model', code: 'unsupported_model_layout' });
    }
  }

  private layoutOf(dir: string, id: string): ModelLayout {
    const layout = detectModelLayout(dir, this.options.precision);
    if ('error' in layout) throw new ApiError(500, `${id} was installed but its layout is no longer recognized (${layout.error}).`, { code: 'model_install_failed' });
    return layout;
  }
}

/** Pulls every name in turn (MODELS_PULL at startup); installed ones are skipped without a request. */
export async function pullAll(puller: ModelPuller, names: readonly string[], onPulled?: (model: PulledModel) => void): Promise<PulledModel[]> {
  const pulled: PulledModel[] = [];
  for (const name of names) {
    const model = await puller.pull(name);
    onPulled?.(model);
    pulled.push(model);
  }
  return pulled;
}

/** sherpa-onnx archives hold one folder named like the archive; an archive of loose files is that folder itself. */
async function modelFolderIn(unpacked: string, archiveName: string): Promise<{ id: string; dir: string }> {
  const entries = await readdir(unpacked, { withFileTypes: true });
  if (entries.length === 1 && entries[0].isDirectory()) {
    const id = entries[0].name;
    if (!ARCHIVE_NAME.test(id)) throw new ApiError(502, `The archive of ${archiveName} holds a folder named ${JSON.stringify(id)}, which is not a model id.`, { code: 'model_archive_invalid' });
    return { id, dir: path.join(unpacked, id) };
  }
  if (entries.length === 0) throw new ApiError(502, `The archive of ${archiveName} is empty.`, { code: 'model_archive_invalid' });
  return { id: archiveName, dir: unpacked };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * A catalog model that transcribes more than English (Parakeet TDT v3: 25 languages) gets its codes in
 * `languages.txt`, since its files do not say: the service then takes those `language` values for it. An
 * archive's own `languages.txt` is kept.
 */
async function writeCatalogLanguages(dir: string, source: ArchiveSource): Promise<void> {
  const languages = source.entry?.languages ?? [];
  if (languages.length === 0 || (languages.length === 1 && languages[0] === 'en')) return;
  const file = path.join(dir, LANGUAGES_FILE);
  if (!existsSync(file)) await writeFile(file, languagesFileText(languages));
}
