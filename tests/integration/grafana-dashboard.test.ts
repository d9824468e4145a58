import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT, startTestServer, type TestServer } from './helpers/test-server';

const GRAFANA = path.join(REPO_ROOT, 'deploy', 'grafana');

interface Target {
  expr?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: Target[];
  panels?: Panel[];
  datasource?: { type: string; uid: string };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: string | { query: string } }[] };
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression (or Grafana's `label_values(metric, label)`) reads: identifiers that
 * are not functions, keywords, label names (inside `{}` or `by (...)`), ranges, strings or Grafana variables.
 */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/label_values\(\s*([a-zA-Z_:][\w:]*)\s*,\s*\w+\s*\)/g, ' $1 ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names: string[] = [];
  for (const m of stripped.matchAll(/[a-zA-Z_:][\w:]*/g)) {
    const after = stripped.slice(m.index! + m[0].length);
    if (/^\s*\(/.test(after)) continue; // a function
    if (PROMQL_WORDS.has(m[0].toLowerCase())) continue;
    if (/^\d/.test(m[0])) continue;
    names.push(m[0]);
  }
  return names;
}

/** Every sample name `/metrics` can expose, from its `# TYPE` lines (histograms: _bucket, _sum, _count). */
function exportedNames(exposition: string): { names: Set<string>; families: string[] } {
  const names = new Set<string>();
  const families: string[] = [];
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    families.push(name);
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return { names, families };
}

const flatten = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...flatten(p.panels ?? [])]);

describe('metricNames (the dashboard check)', () => {
  test.each([
    ['sum by (model, reason) (rate(stt_inference_shed_total{model=~"$model"}[$__rate_interval]))', ['stt_inference_shed_total']],
    ['histogram_quantile(0.95, sum by (le, model) (rate(stt_inference_seconds_bucket{instance=~"$instance"}[5m])))', ['stt_inference_seconds_bucket']],
    ['sum(rate(a_sum[1m])) / sum(rate(a_count[1m])) > 0.5', ['a_sum', 'a_count']],
    ['label_values(stt_audio_seconds_total, model)', ['stt_audio_seconds_total']],
    ['max by (instance) (up{job="x"}) or on(instance) vector(0)', ['up']],
  ])('%s reads %p', (expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });
});

/** The Grafana dashboard and provisioning files, checked against what a real server exports. */
describe('Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(path.join(GRAFANA, 'dashboards', 'onnx-stt-server.json'), 'utf8')) as Dashboard;
  const panels = flatten(dashboard.panels).filter((p) => p.type !== 'row');
  const exprs = [
    ...panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')),
    ...dashboard.templating.list.filter((v) => v.type === 'query').map((v) => (typeof v.query === 'string' ? v.query : (v.query?.query ?? ''))),
  ];
  let server: TestServer;
  let exported: ReturnType<typeof exportedNames>;

  beforeAll(async () => {
    server = await startTestServer();
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    exported = exportedNames(await res.text());
  });
  afterAll(() => server.close());

  test('is a dashboard: uid, unique panel ids, every panel queries Prometheus through the datasource variable', () => {
    expect(dashboard.uid).toBe('onnx-stt-server');
    const ids = flatten(dashboard.panels).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(panels.length).toBeGreaterThanOrEqual(15);
    for (const p of panels) {
      expect(p.targets?.length).toBeGreaterThan(0);
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets ?? []) expect(t.expr?.trim()).toBeTruthy();
    }
  });

  test("every query names only metrics the service exports (its /metrics' TYPE lines)", () => {
    const unknown = new Set<string>();
    for (const expr of exprs) {
      const names = metricNames(expr);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) if (!exported.names.has(name)) unknown.add(name);
    }
    expect([...unknown]).toEqual([]);
  });

  test('every stt_* metric the service exports is on the dashboard', () => {
    const used = new Set(exprs.flatMap(metricNames).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    const missing = exported.families.filter((f) => f.startsWith('stt_') && !used.has(f));
    expect(missing).toEqual([]);
  });

  test('the provisioning files: a Prometheus datasource with the uid the dashboard expects, a provider for the dashboards folder', () => {
    const datasources = parseYaml(readFileSync(path.join(GRAFANA, 'provisioning', 'datasources', 'prometheus.yml'), 'utf8')) as { apiVersion: number; datasources: { type: string; uid: string; url: string }[] };
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', uid: 'prometheus', url: expect.stringMatching(/^http:\/\//) })]);
    const providers = parseYaml(readFileSync(path.join(GRAFANA, 'provisioning', 'dashboards', 'onnx-stt-server.yml'), 'utf8')) as { apiVersion: number; providers: { type: string; options: { path: string } }[] };
    expect(providers.apiVersion).toBe(1);
    expect(providers.providers).toEqual([expect.objectContaining({ type: 'file', options: expect.objectContaining({ path: '/var/lib/grafana/dashboards' }) })]);
  });
});
