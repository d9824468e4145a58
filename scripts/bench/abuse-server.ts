/** The abuse script's server: the real `main.js` in a child process on 127.0.0.1, with its memory watched. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './bench-util';
import { followServerLog } from './server-log';

export interface ServerProcess {
  proc: ChildProcess;
  port: number;
  url: string;
  /** Parsed log lines (pino JSON on stdout). */
  logs: Record<string, unknown>[];
  exited: Promise<{ code: number | null; atMs: number }>;
  /** Resident memory of the server process now, in MB (VmRSS). */
  rssMb(): number;
  /** Highest resident memory of the server process so far, in MB (VmHWM, kept by the kernel). */
  peakRssMb(): number;
  /** Highest summed RSS of its child processes (ffmpeg) seen by the 100 ms sampler, in MB. */
  peakChildrenRssMb(): number;
  stop(): Promise<void>;
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function childrenRssMb(pid: number): number {
  let total = 0;
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) total += statusField(Number(child), 'VmRSS');
    }
  } catch {
    // the process is gone
  }
  return total;
}

/** Starts `dist-bench/src/main.js` (built with the script by tsconfig.bench.json) with `env` over the defaults. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const main = path.join(REPO_ROOT, 'dist-bench', 'src', 'main.js');
  const proc = spawn(process.execPath, [main], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<{ code: number | null; atMs: number }>((resolve) => proc.once('exit', (code) => resolve({ code, atMs: Date.now() })));
  const { logs, ready } = followServerLog(proc, exited);
  const port = await ready;
  const pid = proc.pid!;
  let peakChildren = 0;
  const sampler = setInterval(() => (peakChildren = Math.max(peakChildren, childrenRssMb(pid))), 100);
  void exited.then(() => clearInterval(sampler));
  return {
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    logs,
    exited,
    rssMb: () => statusField(pid, 'VmRSS'),
    peakRssMb: () => statusField(pid, 'VmHWM'),
    peakChildrenRssMb: () => peakChildren,
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
