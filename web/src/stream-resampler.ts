/**
 * Resamples a stream of mono float chunks from `inRateHz` to `outRateHz` (a microphone's 44.1/48 kHz to the
 * 16 kHz the models take), chunk by chunk with no seams: a windowed-sinc low-pass below the output Nyquist
 * (when downsampling), then linear interpolation at the output instants. Pure; runs in an AudioWorklet.
 */
export class StreamResampler {
  /** Input samples per output sample. */
  private readonly step: number;
  private readonly taps: Float32Array;
  /** The last `taps.length - 1` input samples, the filter's memory across chunks. */
  private history: Float32Array;
  /** The last filtered sample of the previous chunk (interpolation across the seam). */
  private previous = 0;
  /** Position of the next output sample, in filtered samples after `previous` (index 0 = `previous`). */
  private position = 1;

  constructor(inRateHz: number, readonly outRateHz: number) {
    this.step = inRateHz / outRateHz;
    this.taps = this.step > 1 ? lowPass(0.5 / this.step, 2 * Math.ceil(4 * this.step) + 1) : Float32Array.of(1);
    this.history = new Float32Array(this.taps.length - 1);
  }

  push(input: Float32Array): Float32Array {
    const n = input.length;
    if (n === 0) return new Float32Array(0);
    const m = this.taps.length;
    // `padded`: filter memory then this chunk; filtered[j] is the output of the filter at input sample j.
    const padded = new Float32Array(m - 1 + n);
    padded.set(this.history);
    padded.set(input, m - 1);
    const filtered = new Float32Array(n + 1);
    filtered[0] = this.previous;
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let k = 0; k < m; k++) acc += this.taps[k] * padded[j + m - 1 - k];
      filtered[j + 1] = acc;
    }
    this.history = padded.slice(n);
    const out: number[] = [];
    while (this.position < n) {
      const i = Math.floor(this.position);
      const frac = this.position - i;
      out.push(filtered[i] * (1 - frac) + filtered[i + 1] * frac);
      this.position += this.step;
    }
    this.position -= n;
    this.previous = filtered[n];
    return Float32Array.from(out);
  }
}

/** A Blackman-windowed sinc low-pass with cutoff `cutoff` (a fraction of the input rate), unity gain at DC. */
function lowPass(cutoff: number, length: number): Float32Array {
  const taps = new Float32Array(length);
  const centre = (length - 1) / 2;
  let sum = 0;
  for (let k = 0; k < length; k++) {
    const x = k - centre;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const window = 0.42 - 0.5 * Math.cos((2 * Math.PI * k) / (length - 1)) + 0.08 * Math.cos((4 * Math.PI * k) / (length - 1));
    taps[k] = sinc * window;
    sum += taps[k];
  }
  for (let k = 0; k < length; k++) taps[k] /= sum;
  return taps;
}
