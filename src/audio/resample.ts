/**
 * Band-limited resampling with a Kaiser-windowed sinc filter (polyphase for rational ratios): the cut-off
 * sits just below the lower of the two Nyquist frequencies, so downsampling does not alias.
 */

const ZERO_CROSSINGS = 16;
const KAISER_BETA = 8.6;
/** Pass band as a fraction of the lower Nyquist frequency. */
const ROLLOFF = 0.94;
/** Largest number of precomputed filter phases; rarer ratios compute taps on the fly. */
const MAX_TABLE_PHASES = 1024;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

interface FilterSpec {
  /** Cut-off in cycles per input sample × 2 (1 = input Nyquist). */
  cutoff: number;
  /** Half the filter length, in input samples. */
  halfWidth: number;
  i0Beta: number;
}

function tap(spec: FilterSpec, x: number): number {
  const r = x / spec.halfWidth;
  if (r <= -1 || r >= 1) return 0;
  const w = besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / spec.i0Beta;
  const arg = Math.PI * spec.cutoff * x;
  const sinc = arg === 0 ? 1 : Math.sin(arg) / arg;
  return spec.cutoff * sinc * w;
}

export function resample(input: Float32Array, fromHz: number, toHz: number): Float32Array {
  if (!(fromHz > 0 && toHz > 0)) throw new RangeError(`invalid sample rates ${fromHz} -> ${toHz}`);
  if (fromHz === toHz) return input;
  const g = gcd(fromHz, toHz);
  const up = toHz / g; // L
  const down = fromHz / g; // M
  const cutoff = Math.min(1, toHz / fromHz) * ROLLOFF;
  const spec: FilterSpec = { cutoff, halfWidth: Math.ceil(ZERO_CROSSINGS / cutoff), i0Beta: besselI0(KAISER_BETA) };
  const width = spec.halfWidth;
  const taps = 2 * width;
  const outLength = Math.floor((input.length * up) / down);
  const output = new Float32Array(outLength);

  // Polyphase table: phase p (output offset p/up input samples past an input sample) → taps for j in (-width, width].
  const table = up <= MAX_TABLE_PHASES ? new Float32Array(up * taps) : null;
  if (table) {
    for (let p = 0; p < up; p++) {
      const frac = p / up;
      let norm = 0;
      for (let j = 0; j < taps; j++) norm += table[p * taps + j] = tap(spec, j - width + 1 - frac);
      // Unity DC gain for every phase.
      for (let j = 0; j < taps; j++) table[p * taps + j] /= norm;
    }
  }
  const scratch = new Float32Array(taps);
  const n = input.length;
  for (let k = 0; k < outLength; k++) {
    const pos = k * down; // position × up
    const base = Math.floor(pos / up);
    const phase = pos - base * up;
    let coeffs: Float32Array;
    let offset = 0;
    if (table) {
      coeffs = table;
      offset = phase * taps;
    } else {
      const frac = phase / up;
      let norm = 0;
      for (let j = 0; j < taps; j++) norm += scratch[j] = tap(spec, j - width + 1 - frac);
      for (let j = 0; j < taps; j++) scratch[j] /= norm;
      coeffs = scratch;
    }
    let acc = 0;
    const first = base - width + 1;
    const jStart = Math.max(0, -first);
    const jEnd = Math.min(taps, n - first);
    for (let j = jStart; j < jEnd; j++) acc += coeffs[offset + j] * input[first + j];
    output[k] = acc;
  }
  return output;
}
