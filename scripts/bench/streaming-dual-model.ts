/**
 * Single-model vs dual-model live streams (STREAM_PARTIAL_MODEL), side by side, over the captions WebSocket with
 * the real server in this process: N concurrent streams at real time (50 ms chunks) of the bench clip on
 *   - single: the final model makes partials and finals;
 *   - dual:   the partial model makes the partials, the final model the finals (the stable prefix kept);
 *   - partial: the partial model alone (a reference: its own partials and finals).
 * Per side: first-partial latency (against word times from a file transcription by the model that makes the
 * side's partials) and final latency (as bench:streaming measures them), CPU per stream (the
 * process's CPU time, workers included, over the streaming phase / stream-seconds of audio), the WER of the
 * finals against the clip's script, and the share of final words the final model contributed (the rest is the
 * stable prefix the partials had sent). Sides run in rotating order (single-dual-partial, dual-partial-single,
 * ...), each on a fresh server.
 *
 *   npm run bench:streaming-dual   (BENCH_STREAMS=4, BENCH_ROUNDS=2, BENCH_FINAL_MODEL=icefall-transducer-en-conv-small,
 *                                   BENCH_PARTIAL_MODEL=nemo-ctc-en-conv-small, BENCH_MODELS_DIR to change)
 */
import path from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../src/config';
import { startServer } from '../../src/server';
import { Services } from '../../src/services';
import { median, percentile, REPO_ROOT } from './bench-util';
import { benchClip, firstWordsOf, streamOnce, type Clip, type StreamRun } from './streaming-client';
import { normalizeText, wordErrorRate } from './text-metrics';

const MODELS_DIR = process.env.BENCH_MODELS_DIR ?? path.join(REPO_ROOT, 'models');
const FINAL_MODEL = process.env.BENCH_FINAL_MODEL ?? 'icefall-transducer-en-conv-small';
const PARTIAL_MODEL = process.env.BENCH_PARTIAL_MODEL ?? 'nemo-ctc-en-conv-small';
const STREAMS = Number(process.env.BENCH_STREAMS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

type Side = 'single' | 'dual' | 'partial';
const SIDES: Side[] = ['single', 'dual', 'partial'];

interface SideResult {
  runs: StreamRun[];
  /** CPU seconds of the process per second of stream audio, one per round. */
  cpuPerStreamSec: number[];
}

async function runSide(side: Side, c: Clip): Promise<{ runs: StreamRun[]; cpuPerStreamSec: number }> {
  const config = parseConfig({
    PORT: '0', HOST: '127.0.0.1', MODELS_DIR, INFERENCE_WORKERS: '2', LOG_LEVEL: 'silent', DEFAULT_MODEL: side === 'partial' ? PARTIAL_MODEL : FINAL_MODEL,
    MAX_STREAMS: String(STREAMS + 8), MAX_STREAMS_PER_IP: String(STREAMS + 8), MAX_CONNECTIONS_PER_IP: String(2 * STREAMS + 64),
    ...(side === 'dual' ? { STREAM_PARTIAL_MODEL: PARTIAL_MODEL } : {}),
  });
  const services = new Services(config, pino({ level: 'silent' }));
  const server = await startServer(services, 0, '127.0.0.1');
  await services.start();
  try {
    // Reference word times from the model that makes the partials (models place word edges differently).
    const firstWords = await firstWordsOf(server.url, c, side === 'single' ? FINAL_MODEL : PARTIAL_MODEL);
    const wsUrl = `${server.url.replace('http', 'ws')}/v1/audio/transcriptions`;
    const cpu0 = process.cpuUsage();
    const runs = await Promise.all(Array.from({ length: STREAMS }, () => streamOnce(wsUrl, c, 50, firstWords)));
    const cpu = process.cpuUsage(cpu0);
    const streamSec = (STREAMS * c.samples.length) / 16000;
    return { runs, cpuPerStreamSec: (cpu.user + cpu.system) / 1e6 / streamSec };
  } finally {
    await server.close(1000);
  }
}

function report(side: Side, r: SideResult, c: Clip): string {
  const fp = r.runs.flatMap((x) => x.firstPartialMs);
  const fin = r.runs.flatMap((x) => x.finalMs);
  const reference = c.texts.join(' ');
  const wer = median(r.runs.map((x) => wordErrorRate(reference, x.finals.map((f) => f.text).join(' '))));
  const words = (t: string) => (normalizeText(t) ? normalizeText(t).split(' ').length : 0);
  const finalWords = r.runs.flatMap((x) => x.finals).reduce((a, f) => a + words(f.text), 0);
  const prefixWords = r.runs.flatMap((x) => x.finals).reduce((a, f) => a + Math.min(words(f.stableBefore), words(f.text)), 0);
  const fromFinal = side !== 'dual' ? '-' : `${((100 * (finalWords - prefixWords)) / Math.max(1, finalWords)).toFixed(0)}%`;
  const complete = r.runs.every((x) => x.finals.length === c.speech.length) ? '' : ' (finals missing)';
  return [
    side.padEnd(7),
    `${percentile(fp, 50).toFixed(0)} / ${percentile(fp, 95).toFixed(0)}`.padStart(20),
    `${percentile(fin, 50).toFixed(0)} / ${percentile(fin, 95).toFixed(0)}`.padStart(24),
    `${(100 * median(r.cpuPerStreamSec)).toFixed(1)}%`.padStart(16),
    `${(100 * wer).toFixed(1)}%`.padStart(10),
    fromFinal.padStart(22),
  ].join('  ') + complete;
}

async function main(): Promise<void> {
  const c = benchClip();
  const results = Object.fromEntries(SIDES.map((side) => [side, { runs: [], cpuPerStreamSec: [] }])) as unknown as Record<Side, SideResult>;
  for (let round = 0; round < ROUNDS; round++) {
    const order = SIDES.map((_, i) => SIDES[(i + round) % SIDES.length]);
    for (const side of order) {
      const r = await runSide(side, c);
      results[side].runs.push(...r.runs);
      results[side].cpuPerStreamSec.push(r.cpuPerStreamSec);
    }
  }
  console.log(`final model ${FINAL_MODEL}; partial model (dual) ${PARTIAL_MODEL}; ${STREAMS} concurrent real-time streams x ${ROUNDS} rounds;`);
  console.log(`clip ${(c.samples.length / 16000).toFixed(1)} s, ${c.speech.length} utterances, 50 ms chunks; CPU = process CPU time / stream-seconds (100% = one core)\n`);
  console.log('side    first-partial p50/p95 ms  final-minus-silence p50/p95 ms  CPU per stream  final WER  final words from final model');
  for (const side of SIDES) console.log(report(side, results[side], c));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
