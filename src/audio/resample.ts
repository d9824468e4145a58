/**
 * Band-limited resampling with a Kaiser-windowed sinc filter (polyphase for rational ratios): the cut-off
 * sits just below the lower of the two Nyquist frequencies, so downsampling does not alias. `Resampler`
 * works on a stream of chunks (live audio) and gives exactly what one call on the whole signal would.
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

export class Resampler {
  readonly fromHz: number;
  readonly toHz: number;
  /** Upsampling factor L and downsampling factor M of the reduced ratio L/M. */
  private readonly up: number;
  private readonly down: number;
  /** Half the filter length, in input samples. */
  private readonly width: number;
  private readonly taps: number;
  private readonly cutoff: number;
  private readonly i0Beta = besselI0(KAISER_BETA);
  private readonly table: Float32Array | null;
  private readonly scratch: Float32Array;
  /** Buffered input; `buffer[0]` is input sample `bufferStart` (absolute index). */
  private buffer = new Float32Array(0);
  private bufferStart = 0;
  /** Input samples received so far. */
  private received = 0;
  /** Next output sample index (absolute). */
  private nextOutput = 0;

  constructor(fromHz: number, toHz: number) {
    if (!(Number.isInteger(fromHz) && Number.isInteger(toHz) && fromHz > 0 && toHz > 0)) {
      throw new RangeError(`invalid sample rates ${fromHz} -> ${toHz}`);
    }
    this.fromHz = fromHz;
    this.toHz = toHz;
    const g = gcd(fromHz, toHz);
    this.up = toHz / g;
    this.down = fromHz / g;
    this.cutoff = Math.min(1, toHz / fromHz) * ROLLOFF;
    this.width = Math.ceil(ZERO_CROSSINGS / this.cutoff);
    this.taps = 2 * this.width;
    this.scratch = new Float32Array(this.taps);
    this.table = this.up <= MAX_TABLE_PHASES ? new Float32Array(this.up * this.taps) : null;
    if (this.table) for (let p = 0; p < this.up; p++) this.fillTaps(p, this.table, p * this.taps);
  }

  private tap(x: number): number {
    const rr = x / this.width; // position within the window, in half-widths
    if (rr <= -1 || rr >= 1) return 0;
    const w = besselI0(KAISER_BETA * Math.sqrt(1 - rr * rr)) / this.i0Beta;
    const arg = Math.PI * this.cutoff * x;
    return this.cutoff * (arg === 0 ? 1 : Math.sin(arg) / arg) * w;
  }

  /** Taps for phase p (output p/up input samples past an input sample), normalized to unity DC gain. */
  private fillTaps(phase: number, out: Float32Array, offset: number): void {
    const frac = phase / this.up;
    let norm = 0;
    for (let j = 0; j < this.taps; j++) norm += out[offset + j] = this.tap(j - this.width + 1 - frac);
    for (let j = 0; j < this.taps; j++) out[offset + j] /= norm;
  }

  /** Output samples a signal of `inputLength` samples yields in total. */
  outputLength(inputLength: number): number {
    return Math.floor((inputLength * this.up) / this.down);
  }

  /** Feeds input; returns the output samples that are now fully determined. */
  push(input: Float32Array): Float32Array {
    if (this.fromHz === this.toHz) {
      this.received += input.length;
      return input;
    }
    const merged = new Float32Array(this.buffer.length + input.length);
    merged.set(this.buffer);
    merged.set(input, this.buffer.length);
    this.buffer = merged;
    this.received += input.length;
    return this.produce(false);
  }

  /** Ends the stream: returns the remaining output (the signal is taken as silent past its end). */
  flush(): Float32Array {
    if (this.fromHz === this.toHz) return new Float32Array(0);
    return this.produce(true);
  }

  private produce(final: boolean): Float32Array {
    const { up, down, width, taps } = this;
    const total = this.outputLength(this.received);
    // Output k needs input up to floor(k·M/L) + width; without the end of the stream, wait for it.
    let last = total;
    if (!final) {
      while (last > this.nextOutput && Math.floor(((last - 1) * down) / up) + width >= this.received) last--;
    }
    const count = Math.max(0, last - this.nextOutput);
    const out = new Float32Array(count);
    const buf = this.buffer;
    const n = this.received;
    for (let i = 0; i < count; i++) {
      const k = this.nextOutput + i;
      const pos = k * down;
      const base = Math.floor(pos / up);
      const phase = pos - base * up;
      let coeffs: Float32Array;
      let offset = 0;
      if (this.table) {
        coeffs = this.table;
        offset = phase * taps;
      } else {
        this.fillTaps(phase, this.scratch, 0);
        coeffs = this.scratch;
      }
      const first = base - width + 1; // absolute input index of tap 0
      const jStart = Math.max(0, -first, this.bufferStart - first);
      const jEnd = Math.min(taps, n - first);
      let acc = 0;
      for (let j = jStart; j < jEnd; j++) acc += coeffs[offset + j] * buf[first + j - this.bufferStart];
      out[i] = acc;
    }
    this.nextOutput += count;
    // Keep only the input the next outputs can still reach.
    const keepFrom = Math.max(this.bufferStart, Math.floor((this.nextOutput * down) / up) - width + 1);
    if (keepFrom > this.bufferStart) {
      this.buffer = this.buffer.slice(keepFrom - this.bufferStart);
      this.bufferStart = keepFrom;
    }
    return out;
  }
}

/** Resamples a whole signal. */
export function resample(input: Float32Array, fromHz: number, toHz: number): Float32Array {
  if (fromHz === toHz) return input;
  const r = new Resampler(fromHz, toHz);
  const head = r.push(input);
  const tail = r.flush();
  if (tail.length === 0) return head;
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/** Input processed between yields to the event loop by `resampleAsync`, in samples. */
const ASYNC_SLICE_SAMPLES = 1 << 17;

/**
 * Resamples a whole signal in slices, yielding to the event loop between them, so a long upload's
 * resampling never stalls live streams for more than a few milliseconds. Same output as `resample`.
 */
export async function resampleAsync(input: Float32Array, fromHz: number, toHz: number): Promise<Float32Array> {
  if (fromHz === toHz) return input;
  const r = new Resampler(fromHz, toHz);
  const out = new Float32Array(r.outputLength(input.length));
  let written = 0;
  for (let at = 0; at < input.length; at += ASYNC_SLICE_SAMPLES) {
    const part = r.push(input.subarray(at, at + ASYNC_SLICE_SAMPLES));
    out.set(part, written);
    written += part.length;
    await new Promise((resolve) => setImmediate(resolve));
  }
  out.set(r.flush().subarray(0, out.length - written), written);
  return out;
}
