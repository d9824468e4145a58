/**
 * Power spectrum of a real frame of power-of-two length N, via one complex FFT of length N/2 (the real
 * signal packed as z[n] = x[2n] + i·x[2n+1]) and the split step that recovers the N-point spectrum.
 * Twiddles and the bit-reversal table are computed once per instance; `powerSpectrum` allocates nothing.
 */
export class RealFft {
  readonly size: number;
  private readonly half: number;
  /** Twiddles of the N/2-point FFT, stage after stage: for the stage of length L, cos/sin(2πk/L), k < L/2. */
  private readonly stageCos: Float64Array;
  private readonly stageSin: Float64Array;
  /** Split-step twiddles: cos/sin(2πk/N), k ≤ N/2. */
  private readonly splitCos: Float64Array;
  private readonly splitSin: Float64Array;
  private readonly bitReverse: Uint32Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(size: number) {
    const tables = realFftTables(size);
    this.size = size;
    this.half = size / 2;
    this.stageCos = tables.stageCos;
    this.stageSin = tables.stageSin;
    this.splitCos = tables.splitCos;
    this.splitSin = tables.splitSin;
    this.bitReverse = tables.bitReverse;
    this.re = new Float64Array(this.half);
    this.im = new Float64Array(this.half);
  }

  /** Writes |X[k]|² for k = 0..N/2 (N/2 + 1 bins) of the real signal `frame` (length N) into `out`. */
  powerSpectrum(frame: ArrayLike<number>, out: Float64Array): void {
    const m = this.half;
    const { re, im, stageCos, stageSin, bitReverse } = this;
    // Load pairs of real samples as complex values, in bit-reversed order, fused with the first
    // (twiddle-free, length-2) butterfly stage.
    for (let n = 0; n < m; n += 2) {
      const a = bitReverse[n];
      const b = bitReverse[n + 1];
      const ar = frame[2 * a];
      const ai = frame[2 * a + 1];
      const br = frame[2 * b];
      const bi = frame[2 * b + 1];
      re[n] = ar + br;
      im[n] = ai + bi;
      re[n + 1] = ar - br;
      im[n + 1] = ai - bi;
    }
    for (let len = 4, tw = 0; len <= m; tw += len >> 1, len <<= 1) {
      const halfLen = len >> 1;
      for (let start = 0; start < m; start += len) {
        for (let k = 0; k < halfLen; k++) {
          const wr = stageCos[tw + k];
          const wi = stageSin[tw + k];
          const a = start + k;
          const b = a + halfLen;
          const xr = re[b];
          const xi = im[b];
          const tr = xr * wr - xi * wi;
          const ti = xr * wi + xi * wr;
          const yr = re[a];
          const yi = im[a];
          re[b] = yr - tr;
          im[b] = yi - ti;
          re[a] = yr + tr;
          im[a] = yi + ti;
        }
      }
    }
    // Split: X[k] = E[k] + W^k O[k], with E = (Z[k] + conj Z[m-k]) / 2, O = (Z[k] - conj Z[m-k]) / 2i.
    out[0] = (re[0] + im[0]) * (re[0] + im[0]);
    out[m] = (re[0] - im[0]) * (re[0] - im[0]);
    for (let k = 1; k < m; k++) {
      const zr = re[k];
      const zi = im[k];
      const cr = re[m - k];
      const ci = -im[m - k];
      const er = 0.5 * (zr + cr);
      const ei = 0.5 * (zi + ci);
      const dr = zr - cr;
      const di = zi - ci;
      // O = (dr + i di) / 2i = (di - i dr) / 2
      const or = 0.5 * di;
      const oi = -0.5 * dr;
      const wr = this.splitCos[k];
      const wi = this.splitSin[k];
      const xr = er + (or * wr - oi * wi);
      const xi = ei + (or * wi + oi * wr);
      out[k] = xr * xr + xi * xi;
    }
  }
}

/** The tables of an N-point real FFT done as an N/2-point complex FFT plus a split step (shared with the WASM fbank). */
export interface RealFftTables {
  /** Twiddles of the N/2-point FFT, stage after stage: for the stage of length L (4 … N/2), cos/-sin(2πk/L), k < L/2. */
  stageCos: Float64Array;
  stageSin: Float64Array;
  /** Split-step twiddles: cos/-sin(2πk/N), k ≤ N/2. */
  splitCos: Float64Array;
  splitSin: Float64Array;
  /** Bit reversal of log2(N/2) bits. */
  bitReverse: Uint32Array;
}

export function realFftTables(size: number): RealFftTables {
  if (size < 4 || (size & (size - 1)) !== 0) throw new RangeError(`FFT size must be a power of two ≥ 4, got ${size}`);
  const half = size / 2;
  const stageCos = new Float64Array(half);
  const stageSin = new Float64Array(half);
  for (let len = 4, at = 0; len <= half; len <<= 1) {
    for (let k = 0; k < len / 2; k++, at++) {
      stageCos[at] = Math.cos((2 * Math.PI * k) / len);
      stageSin[at] = -Math.sin((2 * Math.PI * k) / len);
    }
  }
  const splitCos = new Float64Array(half + 1);
  const splitSin = new Float64Array(half + 1);
  for (let k = 0; k <= half; k++) {
    splitCos[k] = Math.cos((2 * Math.PI * k) / size);
    splitSin[k] = -Math.sin((2 * Math.PI * k) / size);
  }
  const bits = Math.log2(half);
  const bitReverse = new Uint32Array(half);
  for (let i = 0; i < half; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    bitReverse[i] = r;
  }
  return { stageCos, stageSin, splitCos, splitSin, bitReverse };
}
