import type { Features } from './features';
import { makeMelFilterBank, type MelFilter } from './mel-filter-bank';
import { RealFft } from './fft';
import { perFeatureStats, toChannelsFirst } from './normalize';
import { WasmFbank } from './wasm-fbank';
import { makeWindow, type WindowType } from './window';

/**
 * Log mel filter-bank features exactly as kaldi-native-fbank computes them (the feature extractor inside
 * sherpa-onnx), so a model exported for sherpa-onnx sees the same numbers from us.
 */
export interface FbankOptions {
  sampleRateHz: number;
  numMelBins: number;
  frameLengthMs: number;
  frameShiftMs: number;
  lowFreqHz: number;
  /** > 0: absolute; ≤ 0: offset from Nyquist. */
  highFreqHz: number;
  windowType: WindowType;
  removeDcOffset: boolean;
  preemphCoeff: number;
  /** Slaney mel filters with area normalization (librosa), instead of Kaldi's. */
  librosaMel: boolean;
  /** false: frames are centred on multiples of the shift and edges are reflected (Kaldi --snip-edges=false). */
  snipEdges: boolean;
}

/** sherpa-onnx's defaults, which icefall / Zipformer transducers are trained with (lhotse's Kaldi fbank). */
export const KALDI_FBANK_OPTIONS: Readonly<FbankOptions> = Object.freeze({
  sampleRateHz: 16000,
  numMelBins: 80,
  frameLengthMs: 25,
  frameShiftMs: 10,
  lowFreqHz: 20,
  highFreqHz: -400,
  windowType: 'povey',
  removeDcOffset: true,
  preemphCoeff: 0.97,
  librosaMel: false,
  snipEdges: false,
});

/** What sherpa-onnx switches to for NeMo CTC models (NeMo's librosa-style mel spectrogram). */
export const NEMO_FBANK_OPTIONS: Readonly<FbankOptions> = Object.freeze({
  ...KALDI_FBANK_OPTIONS,
  lowFreqHz: 0,
  highFreqHz: 0,
  windowType: 'hann',
  removeDcOffset: false,
  librosaMel: true,
});

/**
 * What sherpa-onnx switches to for NeMo transducers (offline-recognizer-transducer-nemo-impl.h): librosa mel
 * filters from 0 Hz, no DC removal, but unlike NeMo CTC it keeps the povey window and the 7600 Hz upper edge.
 * `numMelBins` comes from the model's `feat_dim` (128 for Parakeet TDT v2/v3).
 */
export const NEMO_TRANSDUCER_FBANK_OPTIONS: Readonly<FbankOptions> = Object.freeze({
  ...KALDI_FBANK_OPTIONS,
  lowFreqHz: 0,
  removeDcOffset: false,
  librosaMel: true,
});

export type { Features } from './features';

const LOG_FLOOR = 1.1920928955078125e-7; // float epsilon, as kaldi-native-fbank floors energies

/**
 * Which implementation computes the features: the WebAssembly SIMD build of the same loop
 * (native/fbank/fbank.c, ~3x faster) or JavaScript. 'auto' takes WebAssembly and falls back to JavaScript
 * where the module cannot load; 'wasm' throws instead.
 */
export type FbankEngine = 'auto' | 'wasm' | 'js';

/**
 * Holds the window, filters, FFT and scratch buffers for one option set; `compute` allocates only its output.
 * Meant to live as long as its model: its tables in WebAssembly memory are never freed.
 */
export class FbankComputer {
  readonly options: Readonly<FbankOptions>;
  readonly frameLength: number;
  readonly frameShift: number;
  private readonly wasm: WasmFbank | undefined;
  private readonly fft: RealFft;
  private readonly window: Float64Array;
  private readonly filters: MelFilter[];
  /** The frame being transformed (zero-padded to the FFT size). */
  private readonly frame: Float64Array;
  private readonly power: Float64Array;

  constructor(options: Readonly<FbankOptions>, engine: FbankEngine = 'auto') {
    this.options = options;
    this.frameLength = Math.round((options.sampleRateHz * options.frameLengthMs) / 1000);
    this.frameShift = Math.round((options.sampleRateHz * options.frameShiftMs) / 1000);
    const fftSize = 2 ** Math.ceil(Math.log2(this.frameLength));
    this.fft = new RealFft(fftSize);
    this.window = makeWindow(options.windowType, this.frameLength);
    this.filters = makeMelFilterBank({
      numBins: options.numMelBins,
      sampleRateHz: options.sampleRateHz,
      fftSize,
      lowFreqHz: options.lowFreqHz,
      highFreqHz: options.highFreqHz,
      librosa: options.librosaMel,
    });
    this.frame = new Float64Array(fftSize);
    this.power = new Float64Array(fftSize / 2 + 1);
    this.wasm =
      engine === 'js'
        ? undefined
        : WasmFbank.create({
            fftSize,
            frameLength: this.frameLength,
            frameShift: this.frameShift,
            snipEdges: options.snipEdges,
            removeDcOffset: options.removeDcOffset,
            preemphCoeff: options.preemphCoeff,
            logFloor: LOG_FLOOR,
            window: this.window,
            filters: this.filters,
          });
    if (engine === 'wasm' && !this.wasm) throw new Error('the WebAssembly feature module (native/fbank/fbank.wasm) cannot run here');
  }

  /** Which implementation this computer uses. */
  get engine(): 'wasm' | 'js' {
    return this.wasm ? 'wasm' : 'js';
  }

  /** Frames produced for `numSamples` samples (Kaldi's NumFrames with flush). */
  numFrames(numSamples: number): number {
    if (this.options.snipEdges) return numSamples < this.frameLength ? 0 : 1 + Math.floor((numSamples - this.frameLength) / this.frameShift);
    return Math.floor((numSamples + Math.floor(this.frameShift / 2)) / this.frameShift);
  }

  private firstSample(frameIndex: number): number {
    if (this.options.snipEdges) return frameIndex * this.frameShift;
    return frameIndex * this.frameShift + Math.floor(this.frameShift / 2) - Math.floor(this.frameLength / 2);
  }

  /** Computes features of mono samples in [-1, 1] at the configured rate. */
  compute(samples: Float32Array, out?: Float32Array): Features {
    const dim = this.options.numMelBins;
    const numFrames = samples.length === 0 ? 0 : this.numFrames(samples.length);
    const data = out && out.length >= numFrames * dim ? out : new Float32Array(numFrames * dim);
    if (this.wasm) {
      this.wasm.compute(samples, numFrames, data);
    } else {
      this.computeJs(samples, numFrames, data);
    }
    return { data: data.length === numFrames * dim ? data : data.subarray(0, numFrames * dim), numFrames, dim };
  }

  /**
   * The features channels first (dim × numFrames, as NeMo models take them), normalized per feature
   * (NeMo's `per_feature`) when `normalize` is set. In WebAssembly the transposition happens before the copy out.
   */
  computeChannelsFirst(samples: Float32Array, normalize: boolean): Features {
    const dim = this.options.numMelBins;
    const numFrames = samples.length === 0 ? 0 : this.numFrames(samples.length);
    if (this.wasm) {
      const data = new Float32Array(numFrames * dim);
      if (numFrames > 0) this.wasm.computeChannelsFirst(samples, numFrames, normalize, data);
      return { data, numFrames, dim, layout: 'channels' };
    }
    const features = this.compute(samples);
    return { data: toChannelsFirst(features, normalize && numFrames > 0 ? perFeatureStats(features) : undefined), numFrames, dim, layout: 'channels' };
  }

  private computeJs(samples: Float32Array, numFrames: number, data: Float32Array): void {
    const dim = this.options.numMelBins;
    const { frame, power, window, filters, frameLength } = this;
    const n = samples.length;
    const { removeDcOffset, preemphCoeff } = this.options;
    for (let f = 0; f < numFrames; f++) {
      const start = this.firstSample(f);
      if (start >= 0 && start + frameLength <= n) {
        for (let i = 0; i < frameLength; i++) frame[i] = samples[start + i];
      } else {
        for (let i = 0; i < frameLength; i++) {
          let s = start + i;
          while (s < 0 || s >= n) s = s < 0 ? -s - 1 : 2 * n - 1 - s;
          frame[i] = samples[s];
        }
      }
      let mean = 0;
      if (removeDcOffset) {
        for (let i = 0; i < frameLength; i++) mean += frame[i];
        mean /= frameLength;
      }
      // DC removal, pre-emphasis and window in one pass, Kaldi's order.
      for (let i = frameLength - 1; i > 0; i--) frame[i] = (frame[i] - mean - preemphCoeff * (frame[i - 1] - mean)) * window[i];
      frame[0] = (frame[0] - mean) * (1 - preemphCoeff) * window[0];
      frame.fill(0, frameLength);
      this.fft.powerSpectrum(frame, power);
      const row = f * dim;
      for (let m = 0; m < dim; m++) {
        const { firstBin, weights } = filters[m];
        let energy = 0;
        for (let k = 0; k < weights.length; k++) energy += weights[k] * power[firstBin + k];
        data[row + m] = Math.log(Math.max(energy, LOG_FLOOR));
      }
    }
  }
}
