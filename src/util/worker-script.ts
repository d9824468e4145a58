import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Worker threads need JavaScript. In production the service runs from `dist/`, where each worker's `.js`
 * file sits beside the module that starts it. Under jest the modules are the TypeScript sources in `src/`,
 * so the compiled twin under `dist/` is used instead (`npm test` builds first).
 *
 * @param moduleDir `__dirname` of the module that starts the worker
 * @param baseName the worker module's file name without extension, e.g. `inference-worker`
 */
export function resolveWorkerScript(moduleDir: string, baseName: string): string {
  const sibling = path.join(moduleDir, `${baseName}.js`);
  if (existsSync(sibling)) return sibling;
  const root = path.resolve(__dirname, '..', '..');
  const relative = path.relative(path.join(root, 'src'), moduleDir);
  const compiled = path.join(root, 'dist', relative, `${baseName}.js`);
  if (existsSync(compiled)) return compiled;
  throw new Error(`worker script ${baseName}.js not found beside ${moduleDir} or at ${compiled}; run \`npm run build\``);
}
