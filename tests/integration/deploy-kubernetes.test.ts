import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config';

/**
 * deploy/kubernetes/ is valid against the Kubernetes OpenAPI schemas (offline: the validators bundled in the
 * kubernetes-models package, via scripts/deploy/validate-kubernetes.mjs), and its numbers agree with the
 * server's: probes on /ready and /health, a termination grace period that covers preStop + SHUTDOWN_GRACE_SEC,
 * a CPU request matching the inference threads, one set of labels from Deployment to Service, HPA and PDB.
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DIR = path.join(REPO_ROOT, 'deploy', 'kubernetes');
const VALIDATOR = path.join(REPO_ROOT, 'scripts', 'deploy', 'validate-kubernetes.mjs');

const validate = (...targets: string[]) => spawnSync(process.execPath, [VALIDATOR, ...targets], { cwd: REPO_ROOT, encoding: 'utf8' });
const load = <T>(file: string): T => parse(readFileSync(path.join(DIR, file), 'utf8')) as T;

interface Probe {
  httpGet: { path: string; port: string };
}
interface Container {
  env: { name: string; value: string }[];
  ports: { name: string; containerPort: number }[];
  resources: { requests: { cpu: string; memory: string } };
  startupProbe: Probe;
  readinessProbe: Probe;
  livenessProbe: Probe;
  lifecycle: { preStop: { exec: { command: string[] } } };
}
interface Deployment {
  metadata: { name: string };
  spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: { terminationGracePeriodSeconds: number; containers: Container[] } } };
}

test('every manifest passes the Kubernetes schema check, and the kustomization lists them all', () => {
  const r = validate();
  expect(r.stdout).not.toContain('INVALID');
  expect(r.status).toBe(0);
  for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) expect(r.stdout).toContain(`${kind}/onnx-stt-server`);
  const manifests = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
  expect(load<{ resources: string[] }>('kustomization.yaml').resources.sort()).toEqual(manifests);
});

test('the schema check fails on a broken manifest', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'k8s-test-'));
  try {
    const broken = readFileSync(path.join(DIR, 'deployment.yaml'), 'utf8').replace('replicas: 2', 'replicas: two').replace(/port: http\n/, 'scheme: HTTP\n');
    writeFileSync(path.join(scratch, 'deployment.yaml'), broken);
    const r = validate(scratch);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/INVALID .*replicas must be integer/);
    writeFileSync(path.join(scratch, 'deployment.yaml'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: x }\n');
    expect(validate(scratch).stdout).toMatch(/no schema for apiVersion example\.com\/v1/);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test("the Deployment's probes, drain time and resources agree with the server's configuration", () => {
  const deployment = load<Deployment>('deployment.yaml');
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;
  const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
  const config = parseConfig(env); // the pod's environment is a valid server configuration
  expect(container.readinessProbe.httpGet.path).toBe('/ready');
  expect(container.livenessProbe.httpGet.path).toBe('/health');
  expect(container.startupProbe.httpGet.path).toBe('/health');
  expect(container.ports).toEqual([{ name: 'http', containerPort: config.port, protocol: 'TCP' }]);
  const [sleep, seconds] = container.lifecycle.preStop.exec.command;
  expect(sleep).toBe('sleep');
  // The kubelet's clock runs from preStop: preStop + the server's drain + a margin before SIGKILL.
  expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(Number(seconds) + config.shutdownGraceSec + 5);
  expect(Number(container.resources.requests.cpu)).toBe(config.inferenceWorkers * config.inferenceThreadsPerWorker);
  expect(config.maxStreamsPerIp).toBe(config.maxStreams);
  expect(deployment.spec.template.metadata.labels).toEqual(deployment.spec.selector.matchLabels);

  const service = load<{ spec: { selector: Record<string, string>; ports: { targetPort: string }[] } }>('service.yaml');
  expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
  expect(service.spec.ports[0].targetPort).toBe('http');
  const hpa = load<{ spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number; metrics: { resource: { name: string } }[] } }>('hpa.yaml');
  expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
  expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
  expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
  const pdb = load<{ spec: { selector: { matchLabels: Record<string, string> } } }>('pod-disruption-budget.yaml');
  expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
});
