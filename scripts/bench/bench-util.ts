/** Small helpers shared by the benchmarks: timing, percentiles, a test clip. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeWav } from '../../src/audio/wav';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export function median(values: number[]): number {
  return percentile(values, 50);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export async function timeMs(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/**
 * A speech clip of at least `minSec` seconds at 16 kHz: the clips under models/testdata (or the test fixture)
 * joined with short pauses, repeated as needed.
 */
export function speechClip(minSec: number): Float32Array {
  const sources = [path.join(REPO_ROOT, 'tests', 'fixtures', 'speech-two-utterances.wav')];
  try {
    const dir = path.join(REPO_ROOT, 'models', 'testdata');
    const listing = execFileSync('ls', [dir]).toString().split('\n').filter((f) => f.endsWith('.wav'));
    sources.unshift(...listing.map((f) => path.join(dir, f)));
  } catch {
    // no model test data: the fixture alone
  }
  const clips = sources.map((f) => decodeWav(readFileSync(f))).filter((a) => a.sampleRateHz === 16000).map((a) => a.samples);
  const pause = new Float32Array(4800);
  const parts: Float32Array[] = [];
  let total = 0;
  while (total < minSec * 16000) {
    for (const c of clips) {
      parts.push(c, pause);
      total += c.length + pause.length;
    }
  }
  const out = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
