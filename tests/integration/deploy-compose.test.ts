import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * docker-compose.yml is valid for both Compose generations (issue #16): Debian's `docker-compose` 1.29 and
 * Compose v2 (scripts/deploy/install-compose-v2.sh, run by scripts/setup-system.sh), each asked to
 * `config` it with and without the monitoring profile; and deploy/prometheus/prometheus.yml passes promtool.
 * No container is started. A binary that is missing skips its tests with a note (setup-system installs all).
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.yml');

interface ComposeCli {
  label: string;
  command: string;
  prefix: string[];
}

/** The first candidate whose `version` output matches, or undefined. */
function findCli(label: string, candidates: string[][], versionPattern: RegExp): ComposeCli | undefined {
  for (const [command, ...prefix] of candidates) {
    const probe = spawnSync(command, [...prefix, 'version'], { encoding: 'utf8' });
    if (probe.status === 0 && versionPattern.test(probe.stdout)) return { label, command, prefix };
  }
  return undefined;
}

const v1 = findCli('docker-compose 1.29', [['docker-compose']], /version 1\.29/);
const v2 = findCli('Compose v2', [['/usr/local/lib/docker/cli-plugins/docker-compose'], ['/usr/libexec/docker/cli-plugins/docker-compose'], ['docker', 'compose']], /version v?2\./i);
const promtool = spawnSync('promtool', ['--version']).status === 0;
for (const [name, found] of [['docker-compose 1.29', v1], ['Compose v2', v2], ['promtool', promtool]] as const) {
  if (!found) process.stderr.write(`deploy-compose.test: ${name} not installed (run scripts/setup-system.sh as root): its checks are skipped\n`);
}

// Compose reads a .env in the project folder and the environment for ${VAR:-default}: both are neutralized.
const scratch = mkdtempSync(path.join(tmpdir(), 'compose-test-'));
const emptyEnvFile = path.join(scratch, 'empty.env');
writeFileSync(emptyEnvFile, '');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const composeEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME ?? scratch };

function runConfig(cli: ComposeCli, file: string, profiles: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const args = [...cli.prefix, '--env-file', emptyEnvFile, '-f', file, ...profiles.flatMap((p) => ['--profile', p]), 'config'];
  const r = spawnSync(cli.command, args, { cwd: path.dirname(file), encoding: 'utf8', env: composeEnv });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Service {
  profiles?: string[];
  image?: string;
  stop_grace_period?: string;
  ports?: (string | { target: number; published?: string | number; host_ip?: string })[];
  volumes?: (string | { source: string; target: string })[];
  environment?: Record<string, string>;
  build?: { context: string; args?: Record<string, string> };
}

/**
 * The services `up` would start with these profiles: v2's `config` leaves the others out, 1.29's lists them all
 * (with their `profiles`).
 */
function activeServices(stdout: string, profiles: string[] = []): Record<string, Service> {
  const all = (parse(stdout) as { services: Record<string, Service> }).services;
  return Object.fromEntries(Object.entries(all).filter(([, s]) => !s.profiles || s.profiles.some((p) => profiles.includes(p))));
}

/** Host path → container path of a service's bind mounts, in either generation's output shape. */
function bindMounts(service: Service): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const v of service.volumes ?? []) {
    if (typeof v === 'string') {
      const [source, target] = v.split(':');
      mounts.set(source, target);
    } else mounts.set(v.source, v.target);
  }
  return mounts;
}

/** "127.0.0.1:8000:8000/tcp" or {host_ip, published, target} → "127.0.0.1:8000->8000". */
function portSpecs(service: Service): string[] {
  return (service.ports ?? []).map((p) => (typeof p === 'string' ? p.replace(/\/tcp$/, '').replace(/:(\d+)$/, '->$1') : `${p.host_ip ?? ''}:${p.published}->${p.target}`));
}

describe.each([v1, v2].map((cli, i) => [cli?.label ?? (i === 0 ? 'docker-compose 1.29' : 'Compose v2'), cli] as const))('%s', (_label, cli) => {
  const maybe = cli ? test : test.skip;

  maybe('validates the default services: the service alone, with its drain period and loopback port', () => {
    const r = runConfig(cli!, COMPOSE_FILE);
    expect(r.stderr).not.toMatch(/ERROR|invalid/i);
    expect(r.status).toBe(0);
    const services = activeServices(r.stdout);
    expect(Object.keys(services)).toEqual(['stt']);
    const stt = services.stt;
    expect(stt.image).toBe('onnx-stt:latest');
    expect(stt.stop_grace_period).toBe('35s'); // > SHUTDOWN_GRACE_SEC (30 s)
    expect(stt.environment?.SHUTDOWN_GRACE_SEC).toBe('30');
    expect(portSpecs(stt)).toEqual(['127.0.0.1:8000->8000']);
    expect(stt.build?.context).toBe(REPO_ROOT);
    expect(stt.build?.args?.BASE_IMAGE).toMatch(/^node:\d+-/);
  });

  maybe('the monitoring profile adds Prometheus and Grafana, mounting files that exist', () => {
    const r = runConfig(cli!, COMPOSE_FILE, ['monitoring']);
    expect(r.status).toBe(0);
    const services = activeServices(r.stdout, ['monitoring']);
    expect(Object.keys(services).sort()).toEqual(['grafana', 'prometheus', 'stt']);
    const prometheus = bindMounts(services.prometheus);
    expect(prometheus.get(path.join(REPO_ROOT, 'deploy', 'prometheus', 'prometheus.yml'))).toBe('/etc/prometheus/prometheus.yml');
    const grafana = bindMounts(services.grafana);
    expect(grafana.get(path.join(REPO_ROOT, 'deploy', 'grafana', 'provisioning'))).toBe('/etc/grafana/provisioning');
    expect(grafana.get(path.join(REPO_ROOT, 'deploy', 'grafana', 'dashboards'))).toBe('/var/lib/grafana/dashboards');
    for (const source of [...prometheus.keys(), ...grafana.keys()]) expect(existsSync(source) ? source : `missing: ${source}`).toBe(source);
    expect(existsSync(path.join(REPO_ROOT, 'deploy', 'grafana', 'dashboards', 'onnx-stt-server.json'))).toBe(true);
  });

  maybe('a broken file is refused (the check can fail)', () => {
    const broken = path.join(scratch, `broken-${cli!.prefix.length}.yml`);
    writeFileSync(broken, 'services:\n  stt:\n    image: x\n    ports: 8000\n');
    expect(runConfig(cli!, broken).status).not.toBe(0);
  });
});

(v1 ? test : test.skip)("docker-compose 1.29 refuses env_file's {path, required} form (Compose >= 2.24), which the file must not use", () => {
  const newer = path.join(scratch, 'env-file-required.yml');
  writeFileSync(newer, 'services:\n  stt:\n    image: x\n    env_file:\n      - path: .env\n        required: false\n');
  expect(runConfig(v1!, newer).status).not.toBe(0);
});

(promtool ? test : test.skip)('deploy/prometheus/prometheus.yml passes promtool and scrapes /metrics of the compose service', () => {
  const file = path.join(REPO_ROOT, 'deploy', 'prometheus', 'prometheus.yml');
  expect(() => execFileSync('promtool', ['check', 'config', file], { stdio: 'pipe' })).not.toThrow();
  const config = parse(readFileSync(file, 'utf8')) as { scrape_configs: { metrics_path: string; static_configs: { targets: string[] }[] }[] };
  expect(config.scrape_configs[0].metrics_path).toBe('/metrics');
  expect(config.scrape_configs[0].static_configs[0].targets).toEqual(['stt:8000']);
  const broken = path.join(scratch, 'prometheus-broken.yml');
  writeFileSync(broken, 'scrape_configs:\n  - job_name: x\n    scrape_interval: soon\n');
  expect(spawnSync('promtool', ['check', 'config', broken]).status).not.toBe(0);
});
