import { ApiError } from '../errors';
import { archiveBaseName, type CatalogEntry, type ModelCatalog } from './model-catalog';

/** Where one model archive comes from, and what it should be once unpacked. */
export interface ArchiveSource {
  /** The archive's base name: the model id it installs as. */
  name: string;
  /** The URL actually fetched (MODEL_MIRROR_URL applied). */
  url: string;
  /** The catalog's entry, when pulled by name (or by a URL the catalog lists). */
  entry?: CatalogEntry;
}

/**
 * A catalog name, or the URL of any archive in sherpa-onnx's release layout (`…/NAME.tar.bz2` holding a
 * folder `NAME/`). With a mirror (a base URL), the archive's file name is fetched from there instead.
 * Unknown names are a 404 naming the catalog's models.
 */
export function resolveArchiveSource(nameOrUrl: string, catalog: ModelCatalog, mirrorUrl = ''): ArchiveSource {
  const wanted = nameOrUrl.trim();
  const isUrl = /^https?:\/\//i.test(wanted);
  const entry = isUrl ? catalog.entries.find((e) => e.url === wanted) : catalog.find(wanted);
  if (!isUrl && !entry) {
    throw new ApiError(404, `The model '${wanted}' is not in the catalog. Models that can be pulled: ${catalog.names.join(', ')}; or give the URL of a sherpa-onnx .tar.bz2 archive.`, {
      param: 'model',
      code: 'model_not_found',
    });
  }
  const url = entry?.url ?? wanted;
  const name = archiveBaseName(url);
  if (name === undefined) {
    throw new ApiError(400, `${url} is not the URL of a .tar.bz2 archive named like a model folder (letters, digits, '.', '_', '-').`, { param: 'model', code: 'invalid_model_url' });
  }
  return { name, url: mirrorUrl ? mirrored(mirrorUrl, name) : url, ...(entry ? { entry } : {}) };
}

/** `https://mirror.example/models` + NAME → `https://mirror.example/models/NAME.tar.bz2`. */
function mirrored(base: string, name: string): string {
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(name)}.tar.bz2`;
}
