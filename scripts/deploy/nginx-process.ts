import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** One line of the access log the generated configuration writes (see `LOG_FORMAT`). */
export interface NginxAccessEntry {
  /** When nginx finished the request, ms since the epoch. */
  doneAtMs: number;
  method: string;
  uri: string;
  status: number;
  /** Every instance tried, in order ("127.0.0.1:8001, 127.0.0.1:8002" when the first attempt was replayed). */
  upstreamAddrs: string[];
  upstreamStatuses: string[];
}

export interface NginxProcess {
  port: number;
  prefix: string;
  /** The access log so far. */
  accessLog(): NginxAccessEntry[];
  /** Graceful stop (SIGQUIT), then the temporary prefix is removed. */
  stop(): Promise<void>;
}

const LOG_FORMAT = `'$msec $request_method $uri $status "$upstream_addr" "$upstream_status"'`;

/** Debian's nginx, or the one on PATH. */
export function findNginx(): string | undefined {
  if (existsSync('/usr/sbin/nginx')) return '/usr/sbin/nginx';
  const probe = spawnSync('nginx', ['-v']);
  return probe.status === 0 ? 'nginx' : undefined;
}

/**
 * The site configuration (deploy/nginx/onnx-stt-server.conf) made to run here: `listen 80` becomes the loopback
 * port, and the upstream's server lines become one per instance port with the first line's parameters
 * (max_fails, fail_timeout). Throws when the file no longer has those lines, so a reshaped file is noticed.
 */
export function adaptSiteConfig(site: string, listenPort: number, instancePorts: number[]): string {
  const listen = /^(\s*)listen 80;$/m;
  if (!listen.test(site)) throw new Error('the site configuration has no `listen 80;` line');
  const servers = [...site.matchAll(/^(\s*)server 127\.0\.0\.1:\d+( [^;]*)?;\n/gm)];
  if (servers.length < 2) throw new Error('the site configuration has fewer than two `server 127.0.0.1:PORT ...;` lines');
  const [indent, params] = [servers[0][1], servers[0][2] ?? ''];
  servers.forEach((m, i) => {
    if (i > 0 && m.index !== servers[i - 1].index! + servers[i - 1][0].length) throw new Error('the upstream server lines must be consecutive');
  });
  const start = servers[0].index!;
  const end = servers[servers.length - 1].index! + servers[servers.length - 1][0].length;
  const lines = instancePorts.map((p) => `${indent}server 127.0.0.1:${p}${params};\n`).join('');
  const adapted = site.slice(0, start) + lines + site.slice(end);
  return adapted.replace(listen, `$1listen 127.0.0.1:${listenPort};`);
}

/** A complete nginx.conf around the site configuration: foreground, everything under `prefix`. */
export function mainConfig(prefix: string, site: string): string {
  const p = (name: string) => path.join(prefix, name);
  const asRoot = process.getuid?.() === 0;
  return [
    'daemon off;',
    'worker_processes 1;',
    `pid ${p('nginx.pid')};`,
    `error_log ${p('error.log')} warn;`,
    // Workers of a root master switch user; root keeps the temp folder under a private prefix writable.
    ...(asRoot ? ['user root root;'] : []),
    'events { worker_connections 1024; }',
    'http {',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${p(`${t}_temp`)};`),
    `  log_format scaleout ${LOG_FORMAT};`,
    `  access_log ${p('access.log')} scaleout;`,
    site,
    '}',
    '',
  ].join('\n');
}

function parseAccessLine(line: string): NginxAccessEntry | undefined {
  const m = /^(\d+\.\d+) (\S+) (\S+) (\d+) "([^"]*)" "([^"]*)"$/.exec(line);
  if (!m) return undefined;
  // Several attempts are listed as "a, b"; internal redirects as "a : b".
  const list = (s: string) => (s === '-' ? [] : s.split(/\s*,\s*|\s+:\s+/));
  return { doneAtMs: Math.round(Number(m[1]) * 1000), method: m[2], uri: m[3], status: Number(m[4]), upstreamAddrs: list(m[5]), upstreamStatuses: list(m[6]) };
}

/** Starts nginx in the foreground with a temporary prefix; resolves once it accepts connections. */
export async function startNginx(nginx: string, siteConfigPath: string, listenPort: number, instancePorts: number[]): Promise<NginxProcess> {
  const prefix = mkdtempSync(path.join(tmpdir(), 'stt-nginx-'));
  mkdirSync(path.join(prefix, 'logs'));
  const conf = path.join(prefix, 'nginx.conf');
  writeFileSync(conf, mainConfig(prefix, adaptSiteConfig(readFileSync(siteConfigPath, 'utf8'), listenPort, instancePorts)));
  const args = ['-e', path.join(prefix, 'error.log'), '-p', `${prefix}/`, '-c', conf];
  const test = spawnSync(nginx, ['-t', ...args], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx -t refused the generated configuration:\n${test.stderr}`);
  const proc: ChildProcess = spawn(nginx, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`nginx exited at start: ${stderr}${readFileSync(path.join(prefix, 'error.log'), 'utf8')}`);
    const up = await fetch(`http://127.0.0.1:${listenPort}/health`).then((r) => r.status < 500, () => false);
    if (up) break;
    if (i > 100) throw new Error('nginx did not answer within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port: listenPort,
    prefix,
    accessLog: () => {
      const file = path.join(prefix, 'access.log');
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8').split('\n').map(parseAccessLine).filter((e): e is NginxAccessEntry => e !== undefined);
    },
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGQUIT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
