import { ModelRegistry } from '../model/model-registry';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { cliConfig } from './local-engine';
import { connectionError, endpoint, errorResponseMessage, parseServerUrl, resolveApiKey } from './server-url';
import type { CliStreams } from './transcribe-command';

export interface ModelsOptions {
  url?: string;
  apiKey?: string;
  modelsDir?: string;
  json: boolean;
}

/** One row of the list: a model folder, or (with `--url`) what the server lists. */
export interface ModelRow {
  id: string;
  /** `nemo-ctc` / `transducer` for folders, `alias → id` for aliases; empty over HTTP (the server does not say). */
  kind: string;
  isDefault: boolean;
  lm: string;
  dir: string;
}

/** `models`: the models in MODELS_DIR (no model is loaded), or GET /v1/models on `--url`. */
export async function modelsCommand(options: ModelsOptions, io: CliStreams): Promise<ExitCode> {
  const rows = options.url !== undefined ? await remoteModels(options, io.env) : localModels(options, io.env);
  if (options.json) io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else io.stdout.write(table(rows, io.stdout.isTTY === true));
  return EXIT.ok;
}

function localModels(options: ModelsOptions, env: NodeJS.ProcessEnv): ModelRow[] {
  const config = cliConfig(env, { MODELS_DIR: options.modelsDir });
  let registry: ModelRegistry;
  try {
    registry = ModelRegistry.scan(config.modelsDir, { defaultModel: config.defaultModel, aliases: config.modelAliases, precision: config.modelPrecision }).registry;
  } catch (err) {
    throw new CliError(`cannot list the models in ${config.modelsDir}: ${(err as Error).message}`, EXIT.unavailable);
  }
  const models = registry.entries.map((e) => ({
    id: e.id,
    kind: e.layout.kind,
    isDefault: e.id === registry.defaultId,
    lm: e.layout.lmPath ? 'yes' : 'no',
    dir: e.layout.dir,
  }));
  const aliases = [...registry.aliasMap].map(([alias, id]) => ({ id: alias, kind: `alias → ${id}`, isDefault: false, lm: '', dir: '' }));
  return [...models, ...aliases];
}

async function remoteModels(options: ModelsOptions, env: NodeJS.ProcessEnv): Promise<ModelRow[]> {
  const base = parseServerUrl(options.url!);
  const apiKey = resolveApiKey(options.apiKey, env);
  let response: Response;
  try {
    response = await fetch(endpoint(base, '/v1/models'), { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
  } catch (err) {
    throw connectionError(err, base) ?? new CliError(`GET /v1/models failed: ${(err as Error).message}`, EXIT.failed);
  }
  const text = await response.text();
  if (!response.ok) throw new CliError(errorResponseMessage(response.status, response.statusText, text), EXIT.failed);
  const list = JSON.parse(text) as { data: { id: string }[] };
  return list.data.map((m) => ({ id: m.id, kind: '', isDefault: false, lm: '', dir: '' }));
}

/** An aligned text table (columns empty in every row are left out); the header is bold on a terminal only. */
export function table(rows: ModelRow[], tty: boolean): string {
  const head = ['MODEL', 'KIND', 'DEFAULT', 'LM'];
  const all = rows.map((r) => [r.id, r.kind, r.isDefault ? 'yes' : '', r.lm]);
  const keep = head.map((_, i) => i === 0 || all.some((c) => c[i] !== ''));
  const pick = (c: string[]) => c.filter((_, i) => keep[i]);
  const cells = all.map(pick);
  const shownHead = pick(head);
  const widths = shownHead.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  const header = line(shownHead);
  return `${tty ? `\x1b[1m${header}\x1b[0m` : header}\n${cells.map(line).join('\n')}\n`;
}
