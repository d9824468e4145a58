/**
 * `npm run bench:extract`: unpacking a model archive (`.tar.bz2`, as `models pull` does) with the system's
 * bzip2 and with the JavaScript decoder, side by side on the same file. The archive holds BENCH_MB (default
 * 200) MB of int8-model-like bytes (a peaked distribution: bzip2 shrinks it about as much as a real int8
 * encoder), made with the system's tar and bzip2. Prints the best of BENCH_ROUNDS (default 3) rounds of each
 * (seconds, MB/s of files) and the ratio.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nativeBzip2Available, type Bzip2Decoder } from '../../src/model-store/bzip2-decompressor';
import { extractTarBz2 } from '../../src/model-store/tar-bz2-extract';

const MB = Number(process.env.BENCH_MB ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** int8 weights cluster near zero: a Laplace-like byte distribution from a fixed-seed generator. */
function weightLikeBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const u = ((x >>> 0) + 0.5) / 4294967296;
    const v = Math.round(Math.sign(u - 0.5) * Math.log(1 - 2 * Math.abs(u - 0.5)) * 6);
    out[i] = (Math.max(-127, Math.min(127, v)) + 256) % 256;
  }
  return out;
}

async function main(): Promise<void> {
  if (!(await nativeBzip2Available())) throw new Error('bzip2 is not installed: nothing to compare with');
  const work = mkdtempSync(path.join(tmpdir(), 'bench-extract-'));
  try {
    const folder = path.join(work, 'model');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'encoder.int8.onnx'), weightLikeBytes(Math.round(MB * 0.96 * 1e6), 1));
    writeFileSync(path.join(folder, 'decoder.int8.onnx'), weightLikeBytes(Math.round(MB * 0.04 * 1e6), 2));
    writeFileSync(path.join(folder, 'tokens.txt'), Array.from({ length: 1024 }, (_, i) => `t${i} ${i}`).join('\n'));
    const archive = path.join(work, 'model.tar.bz2');
    execFileSync('tar', ['-cjf', archive, '-C', work, 'model']);
    const archiveMB = statSync(archive).size / 1e6;
    console.log(`archive: ${MB} MB of files, ${archiveMB.toFixed(1)} MB bzip2; ${ROUNDS} rounds, decoders alternating`);
    const seconds: Record<Bzip2Decoder, number[]> = { native: [], js: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const decoder of round % 2 === 0 ? (['native', 'js'] as const) : (['js', 'native'] as const)) {
        const dest = path.join(work, `out-${decoder}-${round}`);
        mkdirSync(dest);
        const started = performance.now();
        await extractTarBz2(archive, dest, decoder);
        seconds[decoder].push((performance.now() - started) / 1000);
        rmSync(dest, { recursive: true, force: true });
      }
    }
    const best = (v: number[]) => Math.min(...v);
    for (const decoder of ['native', 'js'] as const) {
      const s = best(seconds[decoder]);
      console.log(`${decoder.padEnd(6)} ${s.toFixed(2)} s (${(MB / s).toFixed(1)} MB/s of files)   rounds: ${seconds[decoder].map((x) => x.toFixed(2)).join(', ')}`);
    }
    console.log(`ratio js / native (best rounds): ${(best(seconds.js) / best(seconds.native)).toFixed(2)}x`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
