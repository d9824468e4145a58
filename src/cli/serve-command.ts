import { existsSync } from 'node:fs';
import { PACKAGE_MODELS_DIR } from './local-engine';

export interface ServeOptions {
  port?: string;
  host?: string;
  modelsDir?: string;
  defaultModel?: string;
}

/**
 * `serve`: the server, exactly as `node dist/main.js` runs it (same config, logging, signals and exit
 * codes): the flags become the variables main reads, then main runs in this process. Never resolves: the
 * server exits the process when it is stopped (SIGTERM/SIGINT, after draining).
 */
export async function serveCommand(options: ServeOptions, env: NodeJS.ProcessEnv): Promise<never> {
  const flags: Record<string, string | undefined> = { PORT: options.port, HOST: options.host, MODELS_DIR: options.modelsDir, DEFAULT_MODEL: options.defaultModel };
  for (const [name, value] of Object.entries(flags)) if (value !== undefined) env[name] = value;
  if (!env.MODELS_DIR && !existsSync('models')) env.MODELS_DIR = PACKAGE_MODELS_DIR;
  await import('../main');
  return new Promise<never>(() => undefined);
}
