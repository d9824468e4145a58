import { makeMelFilterBank, type MelFilter } from './mel-filter-bank';
import { createPowerSpectrum, type FftEngine, type PowerSpectrum } from './power-spectrum';
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

export interface Features {
  /** Row-major (numFrames × dim) log mel energies. */
  data: Float32Array;
  numFrames: number;
  dim: number;
}

const LOG_FLOOR = 1.1920928955078125e-7; // float epsilon, as kaldi-native-fbank floors energies

/** Holds the window, filters, FFT and scratch buffers for one option set; `compute` allocates only its output. */
export class FbankComputer {
  readonly options: Readonly<FbankOptions>;
  readonly frameLength: number;
  readonly frameShift: number;
  private readonly spectrum: PowerSpectrum;
  private readonly window: Float64Array;
  private readonly filters: MelFilter[];
  /** Edge frames, gathered with reflection. */
  private readonly edge: Float32Array;
  private readonly power: Float64Array;

  constructor(options: Readonly<FbankOptions>, fftEngine: FftEngine = 'auto') {
    this.options = options;
    this.frameLength = Math.round((options.sampleRateHz * options.frameLengthMs) / 1000);
    this.frameShift = Math.round((options.sampleRateHz * options.frameShiftMs) / 1000);
    const fftSize = 2 ** Math.ceil(Math.log2(this.frameLength));
    this.spectrum = createPowerSpectrum(fftSize, fftEngine);
    this.window = makeWindow(options.windowType, this.frameLength);
    this.filters = makeMelFilterBank({
      numBins: options.numMelBins,
      sampleRateHz: options.sampleRateHz,
      fftSize,
      lowFreqHz: options.lowFreqHz,
      highFreqHz: options.highFreqHz,
      librosa: options.librosaMel,
    });
    this.edge = new Float32Array(this.frameLength);
    this.power = new Float64Array(fftSize / 2 + 1);
  }

  /** Which FFT this computer uses ('wasm': PFFFT; 'js': the JavaScript fallback). */
  get fftEngine(): 'wasm' | 'js' {
    return this.spectrum.engine;
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
    const { edge, power, window, filters, frameLength, spectrum } = this;
    const n = samples.length;
    const { removeDcOffset, preemphCoeff } = this.options;
    for (let f = 0; f < numFrames; f++) {
      const start = this.firstSample(f);
      // Read the frame in place when it lies inside the signal; gather edge frames with reflection.
      let source = samples;
      let at = start;
      if (start < 0 || start + frameLength > n) {
        for (let i = 0; i < frameLength; i++) {
          let s = start + i;
          while (s < 0 || s >= n) s = s < 0 ? -s - 1 : 2 * n - 1 - s;
          edge[i] = samples[s];
        }
        source = edge;
        at = 0;
      }
      let mean = 0;
      if (removeDcOffset) {
        for (let i = 0; i < frameLength; i++) mean += source[at + i];
        mean /= frameLength;
      }
      // DC removal, pre-emphasis and window in one pass (Kaldi's order), written straight into the FFT input.
      const frame = spectrum.frame();
      for (let i = frameLength - 1; i > 0; i--) {
        frame[i] = (source[at + i] - mean - preemphCoeff * (source[at + i - 1] - mean)) * window[i];
      }
      frame[0] = (source[at] - mean) * (1 - preemphCoeff) * window[0];
      frame.fill(0, frameLength);
      spectrum.compute(power);
      const row = f * dim;
      for (let m = 0; m < dim; m++) {
        const { firstBin, weights } = filters[m];
        let energy = 0;
        for (let k = 0; k < weights.length; k++) energy += weights[k] * power[firstBin + k];
        data[row + m] = Math.log(Math.max(energy, LOG_FLOOR));
      }
    }
    return { data: data.length === numFrames * dim ? data : data.subarray(0, numFrames * dim), numFrames, dim };
  }
}
