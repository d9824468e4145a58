/**
 * Live streaming benchmark over the captions WebSocket protocol, against the real server in this process
 * (models in worker threads), feeding audio at real time:
 *   - first-partial latency: from sending the chunk that carries a word's end (word times from the file
 *     transcription of the same audio) to the first partial/final showing that word, per utterance's first word
 *   - final latency: from sending the end of speech (ground truth of the fixture) to the final, minus the
 *     VAD silence window
 * for 20, 50 and 100 ms chunks (p50 / p95), then the largest number of concurrent real-time streams whose
 * final latency stays bounded (p95 ≤ 1 s beyond the silence window, no refused audio).
 *
 *   npm run bench:streaming        (BENCH_MODELS_DIR, BENCH_MODEL, BENCH_MAX_STREAMS or BENCH_STREAM_COUNTS,
 *                                   STREAM_UPDATE_INTERVAL_MS to change)
 */
import path from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../src/config';
import { startServer } from '../../src/server';
import { Services } from '../../src/services';
import { percentile, REPO_ROOT } from './bench-util';
import { benchClip, firstWordsOf, SILENCE_MS, streamOnce } from './streaming-client';

const MODELS_DIR = process.env.BENCH_MODELS_DIR ?? path.join(REPO_ROOT, 'models');

async function main(): Promise<void> {
  // Stream counts to try: 1, 2, 4, … up to BENCH_MAX_STREAMS, or an explicit list (BENCH_STREAM_COUNTS=96,128).
  const counts = process.env.BENCH_STREAM_COUNTS
    ? process.env.BENCH_STREAM_COUNTS.split(',').map(Number)
    : Array.from({ length: Math.floor(Math.log2(Number(process.env.BENCH_MAX_STREAMS ?? 64))) + 1 }, (_, i) => 2 ** i);
  const maxStreams = Math.max(...counts);
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', MODELS_DIR, INFERENCE_WORKERS: '2', MAX_STREAMS: String(maxStreams + 8),
    // Every bench stream comes from 127.0.0.1: the per-address caps would refuse all but the first few.
    MAX_STREAMS_PER_IP: String(maxStreams + 8), MAX_CONNECTIONS_PER_IP: String(2 * maxStreams + 64), LOG_LEVEL: 'silent',
    ...(process.env.BENCH_MODEL ? { DEFAULT_MODEL: process.env.BENCH_MODEL } : {}),
    ...(process.env.STREAM_UPDATE_INTERVAL_MS ? { STREAM_UPDATE_INTERVAL_MS: process.env.STREAM_UPDATE_INTERVAL_MS } : {}),
  });
  const services = new Services(config, pino({ level: 'silent' }));
  const server = await startServer(services, 0, '127.0.0.1');
  await services.start();
  const c = benchClip();
  const wsUrl = server.url.replace('http', 'ws') + '/v1/audio/transcriptions';
  // Word times from the file transcription of the same audio; the first word of each utterance.
  const firstWords = await firstWordsOf(server.url, c);
  console.log(`model ${services.registry.defaultId}; clip ${(c.samples.length / 16000).toFixed(1)} s, ${c.speech.length} utterances; VAD silence window ${SILENCE_MS} ms; update interval ${config.streamUpdateIntervalMs} ms\n`);
  console.log('chunk ms  first-partial p50/p95 ms  final-minus-silence p50/p95 ms');
  for (const chunkMs of [20, 50, 100]) {
    const runs = await Promise.all([0, 1].map(() => streamOnce(wsUrl, c, chunkMs, firstWords)));
    const fp = runs.flatMap((r) => r.firstPartialMs);
    const fin = runs.flatMap((r) => r.finalMs);
    console.log(`${String(chunkMs).padStart(8)}  ${percentile(fp, 50).toFixed(0).padStart(10)} / ${percentile(fp, 95).toFixed(0).padEnd(12)}  ${percentile(fin, 50).toFixed(0).padStart(12)} / ${percentile(fin, 95).toFixed(0)}`);
  }

  console.log('\nconcurrent real-time streams (50 ms chunks):');
  console.log('streams  first-partial p95 ms  final-minus-silence p95 ms  refused chunks  bounded');
  let best = 0;
  for (const n of counts) {
    const runs = await Promise.all(Array.from({ length: n }, () => streamOnce(wsUrl, c, 50, firstWords)));
    const fin = runs.flatMap((r) => r.finalMs);
    const refused = runs.reduce((a, r) => a + r.refused, 0);
    const complete = runs.every((r) => r.finalMs.length === c.speech.length);
    const bounded = complete && refused === 0 && percentile(fin, 95) <= 1000;
    const fp = runs.flatMap((r) => r.firstPartialMs);
    console.log(
      `${String(n).padStart(7)}  ${percentile(fp, 95).toFixed(0).padStart(19)}  ${percentile(fin, 95).toFixed(0).padStart(26)}  ${String(refused).padStart(14)}  ${bounded ? 'yes' : 'no'}`,
    );
    if (!bounded) break;
    best = n;
  }
  console.log(`\nlargest tested stream count with bounded lag: ${best}`);
  await server.close(1000);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
