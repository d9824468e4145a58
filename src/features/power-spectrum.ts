import { RealFft } from './fft';
import { WasmRealFft } from './wasm-real-fft';

/** Which FFT computes the power spectra: PFFFT in WebAssembly (SIMD) when it loads, else the JavaScript one. */
export type FftEngine = 'auto' | 'wasm' | 'js';

/** Power spectrum of one real frame: fill `frame()`, call `compute`. */
export interface PowerSpectrum {
  readonly size: number;
  readonly engine: 'wasm' | 'js';
  /** The buffer to fill with the next frame (length `size`); valid until the next call to `frame()`. */
  frame(): Float32Array | Float64Array;
  /** Writes |X[k]|² for k = 0 … size/2 of the filled frame into `power`. */
  compute(power: Float64Array): void;
}

class JsPowerSpectrum implements PowerSpectrum {
  readonly engine = 'js';
  private readonly fft: RealFft;
  private readonly buffer: Float64Array;

  constructor(readonly size: number) {
    this.fft = new RealFft(size);
    this.buffer = new Float64Array(size);
  }

  frame(): Float64Array {
    return this.buffer;
  }

  compute(power: Float64Array): void {
    this.fft.powerSpectrum(this.buffer, power);
  }
}

class WasmPowerSpectrum implements PowerSpectrum {
  readonly engine = 'wasm';
  constructor(private readonly fft: WasmRealFft) {}

  get size(): number {
    return this.fft.size;
  }

  frame(): Float32Array {
    return this.fft.frame;
  }

  compute(power: Float64Array): void {
    this.fft.powerSpectrum(power);
  }
}

/**
 * A power-spectrum engine of `size` points. 'auto' takes PFFFT (about 5x faster than the JavaScript FFT for
 * 512 points) and falls back to JavaScript where WebAssembly cannot load it; 'wasm' throws instead of falling back.
 */
export function createPowerSpectrum(size: number, engine: FftEngine = 'auto'): PowerSpectrum {
  if (engine !== 'js') {
    const fft = WasmRealFft.create(size);
    if (fft) return new WasmPowerSpectrum(fft);
    if (engine === 'wasm') throw new Error(`the WebAssembly FFT (pffft) cannot run a ${size}-point transform here`);
  }
  return new JsPowerSpectrum(size);
}
