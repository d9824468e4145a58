import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { followServerLog } from '../../../scripts/bench/server-log';
import { MODELS_DIR, REPO_ROOT } from './test-server';

/** The built server entry point (`npm run build` → `dist/main.js`; see `ensureBuilt` in ./cli). */
export const MAIN = path.join(REPO_ROOT, 'dist', 'main.js');

/** How a server process ended: its exit code and when (`Date.now()`, ms). */
export interface ProcessExit {
  code: number | null;
  at: number;
}

/** A real server running as its own process, ready (it has logged `ready: …`). */
export interface ServerProcess {
  proc: ChildProcess;
  /** The port it listens on. */
  port: number;
  /** The URL it logged it listens on, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Every JSON log line (pino, on stdout) so far; more arrive while it runs. */
  logs: Record<string, unknown>[];
  exited: Promise<ProcessExit>;
  /** SIGTERM, then waits for the exit (the drain). */
  stop(): Promise<ProcessExit>;
}

/**
 * Runs `node ...args` (`[MAIN]`, or `[CLI, 'serve', ...]`) in the repository with PORT 0 on 127.0.0.1, the
 * repository's models, one inference worker and info logs (JSON on stdout) unless `env` says otherwise, and
 * waits until it is ready; rejects if it exits first.
 */
export async function spawnServerProcess(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', MODELS_DIR, INFERENCE_WORKERS: '1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<ProcessExit>((resolve) => proc.once('exit', (code) => resolve({ code, at: Date.now() })));
  const { logs, ready } = followServerLog(proc, exited);
  const port = await ready;
  const listening = [...logs].reverse().find((entry) => typeof entry.url === 'string' && entry.url.endsWith(`:${port}`));
  return {
    proc,
    port,
    url: String(listening?.url),
    logs,
    exited,
    stop: () => {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}
