/**
 * Power spectrum of a real frame whose length is not a power of two (Whisper's 400-sample window, which
 * kaldi-native-fbank transforms unpadded): N = 2^k · m with m odd, as radix-2 decimation in time down to
 * 2^k direct DFTs of length m (the split kaldi-native-fbank's own recursive FFT makes). Tables are built
 * once; `compute` allocates nothing.
 */
export class PowerSpectrum {
  readonly size: number;
  /** Length of the direct DFTs at the bottom (odd). */
  private readonly baseLength: number;
  private readonly blocks: number;
  /** For block b, the offset of its stride-`blocks` subsequence (bit-reversed b). */
  private readonly blockOffset: Uint32Array;
  /** cos/sin(2π q j / baseLength) at [q · baseLength + j]: the direct DFT's matrix. */
  private readonly baseCos: Float64Array;
  private readonly baseSin: Float64Array;
  /** One block's subsequence. */
  private readonly sub: Float64Array;
  /** cos/sin(2π q / size), q < size / 2: the twiddle of a stage of length L at q is index q · size / L. */
  private readonly twiddleCos: Float64Array;
  private readonly twiddleSin: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || size % 2 !== 0) throw new RangeError(`frame length must be even, got ${size}`);
    let blocks = 1;
    while ((size / blocks) % 2 === 0) blocks *= 2;
    this.size = size;
    this.blocks = blocks;
    this.baseLength = size / blocks;
    const bits = Math.log2(blocks);
    this.blockOffset = new Uint32Array(blocks);
    for (let b = 0; b < blocks; b++) {
      let r = 0;
      for (let i = 0; i < bits; i++) r |= ((b >> i) & 1) << (bits - 1 - i);
      this.blockOffset[b] = r;
    }
    const m = this.baseLength;
    this.baseCos = Float64Array.from({ length: m * m }, (_, i) => Math.cos((2 * Math.PI * ((Math.floor(i / m) * (i % m)) % m)) / m));
    this.baseSin = Float64Array.from({ length: m * m }, (_, i) => Math.sin((2 * Math.PI * ((Math.floor(i / m) * (i % m)) % m)) / m));
    this.sub = new Float64Array(m);
    this.twiddleCos = Float64Array.from({ length: size / 2 }, (_, q) => Math.cos((2 * Math.PI * q) / size));
    this.twiddleSin = Float64Array.from({ length: size / 2 }, (_, q) => Math.sin((2 * Math.PI * q) / size));
    this.re = new Float64Array(size);
    this.im = new Float64Array(size);
  }

  /** Writes |X[k]|² for k = 0..N/2 of the real frame (length N) into `out` (length N/2 + 1). */
  compute(frame: ArrayLike<number>, out: Float64Array): void {
    const { re, im, blocks, baseLength: m, baseCos, baseSin, size, sub } = this;
    for (let b = 0; b < blocks; b++) {
      const offset = this.blockOffset[b];
      for (let j = 0; j < m; j++) sub[j] = frame[offset + j * blocks];
      const at = b * m;
      for (let q = 0, row = 0; q < m; q++, row += m) {
        let sumRe = 0;
        let sumIm = 0;
        for (let j = 0; j < m; j++) {
          sumRe += sub[j] * baseCos[row + j];
          sumIm -= sub[j] * baseSin[row + j];
        }
        re[at + q] = sumRe;
        im[at + q] = sumIm;
      }
    }
    for (let len = 2 * m; len <= size; len *= 2) {
      const half = len / 2;
      const step = size / len;
      for (let start = 0; start < size; start += len) {
        for (let q = 0; q < half; q++) {
          const wr = this.twiddleCos[q * step];
          const wi = -this.twiddleSin[q * step];
          const a = start + q;
          const b = a + half;
          const tr = re[b] * wr - im[b] * wi;
          const ti = re[b] * wi + im[b] * wr;
          re[b] = re[a] - tr;
          im[b] = im[a] - ti;
          re[a] += tr;
          im[a] += ti;
        }
      }
    }
    for (let k = 0; k <= size / 2; k++) out[k] = re[k] * re[k] + im[k] * im[k];
  }
}
