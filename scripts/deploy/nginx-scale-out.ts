import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { decodeWav } from '../../src/audio/wav';
import { followServerLog } from '../bench/server-log';
import { wavBytesForBench } from '../bench/wav-bytes';
import { findNginx, startNginx, type NginxProcess } from './nginx-process';
import { liveStream, newStreamTally, newUploadTally, uploadLoop, type StreamTally, type UploadTally } from './scale-out-traffic';

/**
 * Scale-out behind nginx, on loopback: two instances (`node dist/main.js`), Debian's nginx in front of them with
 * deploy/nginx/onnx-stt-server.conf, concurrent uploads and live caption streams through nginx, and SIGTERM to
 * one instance mid-traffic. Nothing admitted may be lost: every upload answered 200 or refused honestly (429/503),
 * every live utterance finalized, every stream ended by the server's `end` (a stream on the stopped instance
 * reconnects and goes on), and the stopped instance exits 0.
 *
 *   npm run build && npm run deploy:nginx-scale-out -- [uploadWorkers] [streams] [durationSec] [sigtermAtSec]
 *
 * Exit code 0 when nothing was lost, 1 otherwise. tests/integration/deploy-nginx-scale-out.test.ts runs a
 * shorter version.
 */

export interface ScaleOutOptions {
  uploadWorkers: number;
  streams: number;
  /** Uploads are sent until then; streams run their whole clip. */
  durationSec: number;
  /** When the first instance gets SIGTERM, from the start of the traffic. */
  sigtermAtSec: number;
  /** Live clip length (the test clips joined with 1 s pauses, repeated). */
  streamClipSec: number;
  log: (line: string) => void;
}

export interface ScaleOutReport {
  uploads: UploadTally;
  streams: StreamTally;
  /** Uploads the stopped instance answered 200 after its SIGTERM (from nginx's access log). */
  uploadsDrainedByStopped: number;
  /** Requests nginx replayed on the other instance. */
  replayed: number;
  stoppedExitCode: number | null;
  stoppedExitMs: number;
  lost: number;
  elapsedMs: number;
}

/** The checkout's root: the folder above this file holding package.json (source or dist-bench layout). */
function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'deploy', 'nginx'))) return dir;
  }
  throw new Error('cannot find the repository root');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Instance {
  proc: ChildProcess;
  port: number;
  exited: Promise<number | null>;
}

async function startInstance(root: string, port: number): Promise<Instance> {
  const proc = spawn(process.execPath, [path.join(root, 'dist', 'main.js')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      MODELS_DIR: path.join(root, 'models'),
      INFERENCE_WORKERS: '1',
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_SEC: '30',
      // Behind a proxy every client has the proxy's address (README, Configuration).
      MAX_CONNECTIONS_PER_IP: '1024',
      MAX_STREAMS_PER_IP: '64',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  await followServerLog(proc, exited).ready;
  return { proc, port, exited };
}

/** 16 kHz mono samples of every models/testdata clip. */
function testClips(root: string): Float32Array[] {
  const dir = path.join(root, 'models', 'testdata');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .map((f) => decodeWav(readFileSync(path.join(dir, f))))
    .filter((a) => a.sampleRateHz === 16000)
    .map((a) => a.samples);
}

/** The clips joined with 1 s pauses (so the VAD ends an utterance at each), repeated to at least `minSec`. */
function liveClipPcm16(clips: Float32Array[], minSec: number): Buffer {
  const parts: Float32Array[] = [new Float32Array(8000)];
  let samples = 8000;
  while (samples < minSec * 16000) {
    for (const c of clips) parts.push(c, new Float32Array(16000));
    samples = parts.reduce((n, p) => n + p.length, 0);
  }
  const pcm = Buffer.alloc(samples * 2);
  let offset = 0;
  for (const p of parts) for (const v of p) offset = pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32767))), offset);
  return pcm;
}

export async function runScaleOut(options: ScaleOutOptions): Promise<ScaleOutReport> {
  const root = repoRoot();
  const log = options.log;
  if (!existsSync(path.join(root, 'dist', 'main.js'))) throw new Error('dist/main.js is missing: run `npm run build` first');
  const nginxBinary = findNginx();
  if (!nginxBinary) throw new Error('nginx is not installed (scripts/setup-system.sh installs it)');
  const clips = testClips(root);
  const uploadWav = wavBytesForBench(clips[clips.length - 1]);
  const pcm = liveClipPcm16(clips, options.streamClipSec);

  const [portA, portB, nginxPort] = [await freePort(), await freePort(), await freePort()];
  const t0 = Date.now();
  const [a, b] = await Promise.all([startInstance(root, portA), startInstance(root, portB)]);
  log(`instances ready on 127.0.0.1:${portA} and :${portB} (${Date.now() - t0} ms)`);
  let nginx: NginxProcess | undefined;
  try {
    nginx = await startNginx(nginxBinary, path.join(root, 'deploy', 'nginx', 'onnx-stt-server.conf'), nginxPort, [portA, portB]);
    log(`nginx on 127.0.0.1:${nginxPort} (prefix ${nginx.prefix})`);
    const baseUrl = `http://127.0.0.1:${nginxPort}`;
    const uploads = newUploadTally();
    const streams = newStreamTally();
    const trafficStart = Date.now();
    const uploadUntil = trafficStart + options.durationSec * 1000;
    const work: Promise<void>[] = [];
    for (let i = 0; i < options.uploadWorkers; i++) work.push(uploadLoop(baseUrl, uploadWav, () => Date.now() < uploadUntil, uploads));
    for (let i = 0; i < options.streams; i++) {
      work.push(new Promise((r) => setTimeout(r, (i * 1000 * Math.min(2, options.sigtermAtSec / 2)) / options.streams)).then(() => liveStream(`ws://127.0.0.1:${nginxPort}/v1/audio/transcriptions`, pcm, 100, streams)));
    }
    await new Promise((r) => setTimeout(r, options.sigtermAtSec * 1000));
    const sigtermAt = Date.now();
    log(`SIGTERM to the instance on :${portA} at ${((sigtermAt - trafficStart) / 1000).toFixed(1)} s (uploads so far ${uploads.sent}, streams ${streams.streams})`);
    a.proc.kill('SIGTERM');
    const stoppedExitCode = await a.exited;
    const stoppedExitMs = Date.now() - sigtermAt;
    log(`instance :${portA} exited with ${stoppedExitCode} after ${stoppedExitMs} ms`);
    await Promise.all(work);
    const access = nginx.accessLog();
    const uploadsDrainedByStopped = access.filter(
      (e) => e.method === 'POST' && e.status === 200 && e.doneAtMs >= sigtermAt && e.upstreamAddrs[e.upstreamAddrs.length - 1] === `127.0.0.1:${portA}`,
    ).length;
    const replayed = access.filter((e) => e.upstreamAddrs.length > 1).length;
    const lost = uploads.lost + streams.lostFinals + streams.lostConnections;
    return { uploads, streams, uploadsDrainedByStopped, replayed, stoppedExitCode, stoppedExitMs, lost, elapsedMs: Date.now() - trafficStart };
  } finally {
    await nginx?.stop();
    for (const instance of [a, b]) if (instance.proc.exitCode === null) instance.proc.kill('SIGTERM');
    await Promise.all([a.exited, b.exited]);
  }
}

/** The report as lines for a person. */
export function formatReport(r: ScaleOutReport): string[] {
  const u = r.uploads;
  const s = r.streams;
  return [
    `uploads: ${u.sent} sent, ${u.ok} answered 200, ${u.refused} refused (429/503), ${u.lost} lost; ${r.uploadsDrainedByStopped} answered by the stopped instance after its SIGTERM; ${r.replayed} requests replayed by nginx on the other instance`,
    `streams: ${s.streams} clients, ${s.admittedConnections} admitted connections (${s.drainedMidStream} ended by the drain with their finals and resumed through nginx), ${s.refused} refused; utterances ${s.utterancesStarted} started, ${s.finals} finalized, ${s.lostFinals} finals lost, ${s.lostConnections} connections lost`,
    `stopped instance: exit ${r.stoppedExitCode} ${r.stoppedExitMs} ms after SIGTERM; traffic ran ${(r.elapsedMs / 1000).toFixed(1)} s`,
    ...[...u.lostDetails, ...s.lostDetails].slice(0, 20).map((d) => `  lost: ${d}`),
  ];
}

if (require.main === module) {
  const [uploadWorkers = 4, streams = 8, durationSec = 30, sigtermAtSec = 12] = process.argv.slice(2).map(Number);
  runScaleOut({ uploadWorkers, streams, durationSec, sigtermAtSec, streamClipSec: durationSec, log: (l) => process.stderr.write(`scale-out: ${l}\n`) }).then(
    (report) => {
      for (const line of formatReport(report)) console.log(line);
      const ok = report.lost === 0 && report.stoppedExitCode === 0 && report.streams.drainedMidStream > 0;
      console.log(ok ? 'PASS: nothing admitted was lost' : 'FAIL: see above (lost work, a bad exit code, or no stream on the stopped instance)');
      process.exit(ok ? 0 : 1);
    },
    (err) => {
      console.error(`FAIL: ${(err as Error).stack ?? err}`);
      process.exit(1);
    },
  );
}
