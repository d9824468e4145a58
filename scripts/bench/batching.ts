/**
 * Dynamic batching and capacity admission, measured in one run against the real server in this process:
 *   1. batched (MAX_BATCH_SIZE, MAX_BATCH_WAIT_MS; BATCH_POLICY adaptive as shipped, and always) vs unbatched
 *      (MAX_BATCH_SIZE=1) side by side, scenario by scenario: 1, 8, 32, 128 concurrent real-time caption
 *      streams (50 ms chunks, starts spread over 1 s), then a burst of concurrent uploads; throughput (audio
 *      seconds inferred per wall second; for uploads, upload audio seconds per wall second), p95 latency
 *      (final minus the VAD silence window; upload wall time) and the ratios to unbatched;
 *   2. the admission knee: with capacity admission on, a new stream offered every BENCH_KNEE_EVERY_MS;
 *      offered vs admitted vs refused, and the admitted streams' final latency and lost finals.
 * For the embedded default model and a larger synthetic one (scripts/bench/make-synthetic-model.py, built
 * into /tmp/bench-models if missing: 34.7 M parameters, NeMo CTC layout, random weights — timed, not read).
 *
 *   npm run bench:batching   (BENCH_STREAM_COUNTS=1,8,32,128, BENCH_UPLOADS=16, BENCH_BATCH_SIZE=8, BENCH_KNEE_OFFERED,
 *                             BENCH_KNEE_EVERY_MS=250, BENCH_SETS=embedded,synthetic, BENCH_PARTS=comparison,knee)
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../src/config';
import type { InferenceBatchEvent, InferenceObserver } from '../../src/model/inference-observer';
import { combineObservers } from '../../src/model/inference-observer';
import { ModelRegistry } from '../../src/model/model-registry';
import { startServer, type RunningServer } from '../../src/server';
import { Services } from '../../src/services';
import { runStream, streamClip, uploadBurst, type StreamOutcome } from './batching-clients';
import { percentile, REPO_ROOT } from './bench-util';

const COUNTS = (process.env.BENCH_STREAM_COUNTS ?? '1,8,32,128').split(',').map(Number);
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 16);
const BATCH_SIZE = process.env.BENCH_BATCH_SIZE ?? '8';
const KNEE_EVERY_MS = Number(process.env.BENCH_KNEE_EVERY_MS ?? 250);
const SYNTHETIC_DIR = '/tmp/bench-models';

interface Instance {
  services: Services;
  server: RunningServer;
  wsUrl: string;
  batches: InferenceBatchEvent[];
}

/** A server in this process; its pool's batch events are also collected here. */
async function start(modelsDir: string, env: Record<string, string>): Promise<Instance> {
  const config = parseConfig({
    PORT: '0', HOST: '127.0.0.1', MODELS_DIR: modelsDir, INFERENCE_WORKERS: '2', LOG_LEVEL: 'silent',
    // Every bench client is 127.0.0.1: the per-address caps would refuse all but a few.
    MAX_STREAMS: '1000', MAX_STREAMS_PER_IP: '1000', MAX_CONNECTIONS_PER_IP: '4000', MAX_CONCURRENT_REQUESTS: '256',
    ...env,
  });
  const services = new Services(config, pino({ level: 'silent' }));
  const batches: InferenceBatchEvent[] = [];
  // Bench only: listen beside the service's own observer (metrics, capacity) without a hook in the service.
  const options = (services.pool as unknown as { options: { observer?: InferenceObserver } }).options;
  options.observer = combineObservers(options.observer, { onBatch: (e) => batches.push(e) });
  const server = await startServer(services, 0, '127.0.0.1');
  await services.start();
  return { services, server, wsUrl: `${server.url.replace('http', 'ws')}/v1/audio/transcriptions`, batches };
}

interface Row {
  jobsPerSec: number;
  audioPerSec: number;
  meanBatch: number;
  p95Ms: number;
  lostFinals: number;
}

function summarize(batches: InferenceBatchEvent[], wallMs: number, latencyMs: number[], lostFinals: number): Row {
  const jobs = batches.reduce((a, b) => a + b.batchSize, 0);
  return {
    jobsPerSec: jobs / (wallMs / 1000),
    audioPerSec: batches.reduce((a, b) => a + b.audioSec, 0) / (wallMs / 1000),
    meanBatch: batches.length ? jobs / batches.length : 0,
    p95Ms: percentile(latencyMs, 95),
    lostFinals,
  };
}

async function streams(instance: Instance, n: number): Promise<Row> {
  const clip = streamClip();
  instance.batches.length = 0;
  const t = performance.now();
  const outcomes = await Promise.all(Array.from({ length: n }, (_, i) => runStream(instance.wsUrl, clip, (i * 1000) / n)));
  const wallMs = performance.now() - t;
  return summarize(instance.batches, wallMs, outcomes.flatMap((o) => o.finalMs), lost(outcomes));
}

async function burst(instance: Instance): Promise<Row> {
  instance.batches.length = 0;
  const r = await uploadBurst(instance.server.url, UPLOADS, 16);
  const row = summarize(instance.batches, r.wallMs, r.latencyMs, r.failed);
  return { ...row, audioPerSec: r.audioSec / (r.wallMs / 1000) };
}

const lost = (outcomes: StreamOutcome[]) => outcomes.reduce((a, o) => a + o.expectedFinals - o.finalMs.length, 0);
const f = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '-');

async function comparison(label: string, modelsDir: string, defaultModel: string): Promise<void> {
  const env = { DEFAULT_MODEL: defaultModel, CAPACITY_ADMISSION: 'false' };
  const batching = { MAX_BATCH_SIZE: BATCH_SIZE, MAX_BATCH_WAIT_MS: '5' };
  const sides: [string, Instance][] = [
    ['adaptive', await start(modelsDir, { ...env, ...batching, BATCH_POLICY: 'adaptive' })],
    ['always', await start(modelsDir, { ...env, ...batching, BATCH_POLICY: 'always' })],
    ['unbatched', await start(modelsDir, { ...env, MAX_BATCH_SIZE: '1', MAX_BATCH_WAIT_MS: '0' })],
  ];
  console.log(`\n## ${label}: ${defaultModel}, 2 workers — MAX_BATCH_SIZE=${BATCH_SIZE}, MAX_BATCH_WAIT_MS=5 with BATCH_POLICY=adaptive (the default) and =always, vs MAX_BATCH_SIZE=1`);
  console.log('scenario        | audio s per s: adaptive / always / unbatched (ratios to unbatched) | mean batch ad / al | p95 ms: adaptive / always / unbatched (ratios)  | lost finals');
  const scenarios: [string, (i: Instance) => Promise<Row>][] = [
    ...COUNTS.map((n) => [`${n} streams`, (i: Instance) => streams(i, n)] as [string, (i: Instance) => Promise<Row>]),
    [`${UPLOADS} uploads`, burst],
  ];
  for (const [k, [name, run]] of scenarios.entries()) {
    // The order rotates, so a change in the machine's load does not favour one side.
    const order = sides.map((_, i) => (i + k) % sides.length);
    const rows: Row[] = [];
    for (const i of order) rows[i] = await run(sides[i][1]);
    const [a, al, u] = rows;
    const ratio = (x: number, y: number) => f(x / y, 2);
    console.log(
      `${name.padEnd(15)} | ${f(a.audioPerSec, 1)} / ${f(al.audioPerSec, 1)} / ${f(u.audioPerSec, 1)} (${ratio(a.audioPerSec, u.audioPerSec)}, ${ratio(al.audioPerSec, u.audioPerSec)}) | ${f(a.meanBatch, 2)} / ${f(al.meanBatch, 2)} | ${f(a.p95Ms)} / ${f(al.p95Ms)} / ${f(u.p95Ms)} (${ratio(a.p95Ms, u.p95Ms)}, ${ratio(al.p95Ms, u.p95Ms)}) | ${a.lostFinals} / ${al.lostFinals} / ${u.lostFinals}`,
    );
  }
  await Promise.all(sides.map(([, i]) => i.server.close(1000)));
}

async function knee(label: string, modelsDir: string, defaultModel: string, offered: number): Promise<void> {
  const instance = await start(modelsDir, { DEFAULT_MODEL: defaultModel, CAPACITY_ADMISSION: 'true' });
  const clip = streamClip();
  const capacity = instance.services.capacity!;
  console.log(`\n## Admission knee, ${label}: a new stream every ${KNEE_EVERY_MS} ms (each ${f(clip.durationSec, 1)} s), ${offered} offered`);
  console.log('time s | offered | open (admitted) | refused | utilization | partial interval x');
  const outcomes: Promise<StreamOutcome>[] = [];
  const t0 = performance.now();
  const timeline = setInterval(() => {
    const openNow = instance.services.admission.streams.openStreams;
    console.log(`${f((performance.now() - t0) / 1000).padStart(6)} | ${String(outcomes.length).padStart(7)} | ${String(openNow).padStart(15)} | ${String(refusedSoFar).padStart(7)} | ${f(capacity.utilization(), 2).padStart(11)} | ${f(capacity.partialIntervalScale(), 2)}`);
  }, 2000);
  let refusedSoFar = 0;
  for (let i = 0; i < offered; i++) {
    outcomes.push(
      runStream(instance.wsUrl, clip).then((o) => {
        if (!o.admitted) refusedSoFar++;
        return o;
      }),
    );
    await new Promise((r) => setTimeout(r, KNEE_EVERY_MS));
  }
  const all = await Promise.all(outcomes);
  clearInterval(timeline);
  const admitted = all.filter((o) => o.admitted);
  // Streams offered after the first refusal: the part of the run past the knee.
  const firstRefused = all.findIndex((o) => !o.admitted);
  const knee = firstRefused < 0 ? all.length : firstRefused;
  const past = all.slice(knee).filter((o) => o.admitted);
  const before = all.slice(0, knee);
  const finals = admitted.flatMap((o) => o.finalMs);
  console.log(`offered ${all.length}, admitted ${admitted.length}, refused ${all.length - admitted.length} (first refusal: stream ${firstRefused < 0 ? '-' : firstRefused + 1})`);
  console.log(`admitted streams: finals ${finals.length} of ${admitted.reduce((a, o) => a + o.expectedFinals, 0)} (lost ${lost(admitted)}), final − silence p50 / p95 / max ${f(percentile(finals, 50))} / ${f(percentile(finals, 95))} / ${f(Math.max(...finals))} ms, refused audio chunks ${admitted.reduce((a, o) => a + o.refusedChunks, 0)}`);
  const pastFinals = past.flatMap((o) => o.finalMs);
  console.log(`admitted past the knee (${past.length} streams): final − silence p95 ${f(percentile(pastFinals, 95))} ms, partials per stream ${f(past.reduce((a, o) => a + o.partials, 0) / Math.max(1, past.length), 1)} (before the knee ${f(before.reduce((a, o) => a + o.partials, 0) / Math.max(1, before.length), 1)})`);
  await instance.server.close(1000);
}

async function main(): Promise<void> {
  const sets = (process.env.BENCH_SETS ?? 'embedded,synthetic').split(',');
  console.log(`load average ${execFileSync('cat', ['/proc/loadavg']).toString().split(' ').slice(0, 3).join(' ')} on ${cpus().length} cores`);
  const embeddedDir = path.join(REPO_ROOT, 'models');
  const parts = (process.env.BENCH_PARTS ?? 'comparison,knee').split(',');
  if (sets.includes('embedded')) {
    const id = ModelRegistry.scan(embeddedDir).registry.defaultId;
    if (parts.includes('comparison')) await comparison('embedded model', embeddedDir, id);
    if (parts.includes('knee')) await knee('embedded model', embeddedDir, id, Number(process.env.BENCH_KNEE_OFFERED ?? 160));
  }
  if (sets.includes('synthetic')) {
    const dir = path.join(SYNTHETIC_DIR, 'synthetic-ctc-25m');
    if (!existsSync(path.join(dir, 'model.onnx'))) execFileSync('/usr/bin/python3', [path.join(REPO_ROOT, 'scripts/bench/make-synthetic-model.py'), dir], { stdio: 'inherit' });
    if (parts.includes('comparison')) await comparison('synthetic 34.7 M CTC', SYNTHETIC_DIR, 'synthetic-ctc-25m');
    if (parts.includes('knee')) await knee('synthetic 34.7 M CTC', SYNTHETIC_DIR, 'synthetic-ctc-25m', Number(process.env.BENCH_KNEE_OFFERED ?? 60));
  }
  console.log(`\nload average ${execFileSync('cat', ['/proc/loadavg']).toString().split(' ').slice(0, 3).join(' ')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
