import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * PFFFT (Julien Pommier's SIMD FFT, BSD) compiled to WebAssembly by the `@echogarden/pffft-wasm` package, loaded
 * straight from its .wasm file so it works from CommonJS, worker threads and jest alike (the package's own
 * loader is an ES module). The export and import names of the minified build are read from the package's
 * Emscripten loader, so a rebuilt package keeps working; anything unexpected makes `loadPffft` return
 * undefined and callers fall back to the JavaScript FFT.
 */
interface PffftExports {
  memory: WebAssembly.Memory;
  newSetup(size: number, transform: number): number;
  transformOrdered(setup: number, input: number, output: number, work: number, direction: number): void;
  alignedMalloc(bytes: number): number;
}

const PFFFT_REAL = 0;
const PFFFT_FORWARD = 0;

let loaded: PffftExports | null | undefined;

/** The loaded module, shared by every FFT in this thread; undefined when it cannot be loaded here. */
export function loadPffft(): PffftExports | undefined {
  if (loaded === undefined) {
    loaded = null;
    for (const flavour of ['simd', 'non-simd']) {
      try {
        loaded = instantiate(flavour);
        break;
      } catch {
        // try the next flavour (no WASM SIMD in this runtime), then give up: the JS FFT is used
      }
    }
  }
  return loaded ?? undefined;
}

function instantiate(flavour: string): PffftExports {
  const glueFile = require.resolve(flavour === 'simd' ? '@echogarden/pffft-wasm/simd' : '@echogarden/pffft-wasm');
  const glue = readFileSync(glueFile, 'utf8');
  const wasm = readFileSync(path.join(path.dirname(glueFile), 'pffft.wasm'));
  const exportName = (symbol: string): string => {
    const match = new RegExp(`${symbol}=[^;]*?wasmExports\\["(\\w+)"\\]`).exec(glue);
    if (!match) throw new Error(`pffft loader: no export for ${symbol}`);
    return match[1];
  };
  const importsMatch = /var wasmImports=\{([^}]*)\}/.exec(glue);
  if (!importsMatch) throw new Error('pffft loader: no import table');

  let memory: WebAssembly.Memory | undefined;
  const implementations: Record<string, (...args: number[]) => number | void> = {
    ___assert_fail: () => {
      throw new Error('pffft: assertion failed');
    },
    __emscripten_memcpy_js: (dest, src, num) => {
      const heap = new Uint8Array(memory!.buffer);
      heap.copyWithin(dest, src, src + num);
    },
    _emscripten_resize_heap: (requested) => {
      const grow = Math.ceil((requested - memory!.buffer.byteLength) / 65536);
      try {
        memory!.grow(Math.max(grow, 1));
        return 1;
      } catch {
        return 0;
      }
    },
  };
  const imports: Record<string, (...args: number[]) => number | void> = {};
  for (const pair of importsMatch[1].split(',')) {
    const [key, symbol] = pair.split(':');
    const impl = implementations[symbol];
    if (!impl) throw new Error(`pffft loader: unknown import ${symbol}`);
    imports[key] = impl;
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), { a: imports });
  const exports = instance.exports as Record<string, unknown>;
  const memoryName = /wasmMemory=wasmExports\["(\w+)"\]/.exec(glue)?.[1];
  if (!memoryName) throw new Error('pffft loader: no memory export');
  memory = exports[memoryName] as WebAssembly.Memory;
  const fn = (symbol: string) => exports[exportName(symbol)] as (...args: number[]) => number;
  fn('___wasm_call_ctors')();
  return {
    memory,
    newSetup: fn('_pffft_new_setup'),
    transformOrdered: fn('_pffft_transform_ordered'),
    alignedMalloc: fn('_pffft_aligned_malloc'),
  };
}

/**
 * Power spectrum of one real frame of power-of-two length ≥ 32 through PFFFT: fill `frame` (a view into the
 * WASM heap, refreshed if the heap ever grows), call `powerSpectrum`. Allocates nothing per call.
 */
export class WasmRealFft {
  readonly size: number;
  private readonly pffft: PffftExports;
  private readonly setup: number;
  private readonly inputPtr: number;
  private readonly outputPtr: number;
  private readonly workPtr: number;
  private input: Float32Array;
  private output: Float32Array;

  private constructor(pffft: PffftExports, size: number) {
    this.pffft = pffft;
    this.size = size;
    this.setup = pffft.newSetup(size, PFFFT_REAL);
    this.inputPtr = pffft.alignedMalloc(size * 4);
    this.outputPtr = pffft.alignedMalloc(size * 4);
    this.workPtr = pffft.alignedMalloc(size * 4);
    if (!this.setup || !this.inputPtr || !this.outputPtr || !this.workPtr) throw new Error(`pffft: cannot set up a ${size}-point FFT`);
    this.input = new Float32Array(pffft.memory.buffer, this.inputPtr, size);
    this.output = new Float32Array(pffft.memory.buffer, this.outputPtr, size);
  }

  /** A PFFFT-backed FFT, or undefined when PFFFT cannot run here or does not support this size. */
  static create(size: number): WasmRealFft | undefined {
    const pffft = loadPffft();
    if (!pffft || size < 32 || (size & (size - 1)) !== 0) return undefined;
    try {
      return new WasmRealFft(pffft, size);
    } catch {
      return undefined;
    }
  }

  /** The frame to fill (length `size`). */
  get frame(): Float32Array {
    this.refreshViews();
    return this.input;
  }

  private refreshViews(): void {
    if (this.input.buffer !== this.pffft.memory.buffer) {
      this.input = new Float32Array(this.pffft.memory.buffer, this.inputPtr, this.size);
      this.output = new Float32Array(this.pffft.memory.buffer, this.outputPtr, this.size);
    }
  }

  /** |X[k]|² for k = 0 … size/2 of the current `frame`. */
  powerSpectrum(power: Float64Array): void {
    this.pffft.transformOrdered(this.setup, this.inputPtr, this.outputPtr, this.workPtr, PFFFT_FORWARD);
    this.refreshViews();
    const out = this.output;
    const half = this.size / 2;
    power[0] = out[0] * out[0];
    power[half] = out[1] * out[1];
    for (let k = 1; k < half; k++) {
      const re = out[2 * k];
      const im = out[2 * k + 1];
      power[k] = re * re + im * im;
    }
  }
}
