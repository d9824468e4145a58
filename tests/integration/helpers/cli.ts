import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { MODELS_DIR, REPO_ROOT } from './test-server';

/** The built command line (`npm run build` → `dist/cli/main.js`, the package's bin). */
export const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');

/** Newest modification time of the sources under `dir`, in ms. */
function newestSource(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newestSource(path.join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? statSync(path.join(dir, e.name)).mtimeMs : 0,
    ),
  );
}

/**
 * dist/ must hold this checkout's code: `npm test` builds first; run alone, a test file builds only when
 * dist/ is older than the sources (a rebuild rewrites worker scripts other test files may be starting).
 */
export function ensureBuilt(): void {
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newestSource(path.join(REPO_ROOT, 'src'))) return;
  try {
    execFileSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'ignore' });
  } catch {
    /* type errors elsewhere do not stop the emit */
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/cli/main.js ...args` with stdout and stderr piped (not terminals), the in-process engine on
 * the repository's models with one inference worker, and no API key from the test's environment.
 */
export function runCli(args: string[], options: { env?: Record<string, string>; stdin?: Buffer; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, MODELS_DIR, INFERENCE_WORKERS: '1', ...options.env };
    for (const k of ['STT_API_KEY', 'OPENAI_API_KEY']) if (!options.env?.[k]) delete env[k];
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`onnx-stt-server ${args.join(' ')} did not finish in ${options.timeoutMs ?? 60_000} ms; stderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? Buffer.alloc(0));
  });
}

/** Any ANSI escape sequence or carriage return (none may reach a pipe). */
export const CONTROL_CHARACTERS = /[\x1b\r]/;
