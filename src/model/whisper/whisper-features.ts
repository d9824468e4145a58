import type { Features } from '../../features/features';
import { makeMelFilterBank, type MelFilter } from '../../features/mel-filter-bank';
import { makeWindow } from '../../features/window';
import { PowerSpectrum } from './whisper-power-spectrum';

/** 25 ms frames every 10 ms at 16 kHz, the FFT as long as the window (not padded to a power of two). */
const FRAME_LENGTH = 400;
const FRAME_SHIFT = 160;

/**
 * Feature frames sherpa-onnx decodes at most: 3000 (30 s) less 50, so that some zero frames always follow
 * (offline-recognizer-whisper-impl.h); later audio is dropped, as there.
 */
export const WHISPER_MAX_FEATURE_FRAMES = 2950;

/**
 * Whisper's log-mel features as sherpa-onnx computes them: kaldi-native-fbank's WhisperFeatureComputer
 * (samples as they are in [-1, 1], periodic Hann window, no dither, DC removal or pre-emphasis, frames centred
 * on multiples of 10 ms with reflected edges, librosa/Slaney mel filters from 0 Hz to Nyquist, mel energies
 * without a log), then NormalizeWhisperFeatures over the frames kept: log10 of the energy floored at 1e-10,
 * raised to at least the utterance's maximum less 8, then (x + 4) / 4.
 */
export class WhisperFeatureComputer {
  private readonly window = makeWindow('hann', FRAME_LENGTH);
  private readonly spectrum = new PowerSpectrum(FRAME_LENGTH);
  private readonly filters: MelFilter[];
  private readonly frame = new Float64Array(FRAME_LENGTH);
  private readonly power = new Float64Array(FRAME_LENGTH / 2 + 1);

  constructor(readonly numMelBins: number) {
    this.filters = makeMelFilterBank({ numBins: numMelBins, sampleRateHz: 16000, fftSize: FRAME_LENGTH, lowFreqHz: 0, highFreqHz: 0, librosa: true });
  }

  /** Frames for `numSamples` samples (Kaldi's rounding with snip-edges off), before the 2950-frame cut. */
  static numFrames(numSamples: number): number {
    return numSamples === 0 ? 0 : Math.floor((numSamples + FRAME_SHIFT / 2) / FRAME_SHIFT);
  }

  /** Normalized features of 16 kHz samples, frame-major (numFrames × numMelBins), at most 2950 frames. */
  compute(samples: Float32Array): Features {
    const dim = this.numMelBins;
    const numFrames = Math.min(WhisperFeatureComputer.numFrames(samples.length), WHISPER_MAX_FEATURE_FRAMES);
    const data = new Float32Array(numFrames * dim);
    const { frame, power, window, filters } = this;
    const n = samples.length;
    let max = -Infinity;
    for (let f = 0; f < numFrames; f++) {
      const start = f * FRAME_SHIFT + FRAME_SHIFT / 2 - FRAME_LENGTH / 2;
      for (let i = 0; i < FRAME_LENGTH; i++) {
        let s = start + i;
        while (s < 0 || s >= n) s = s < 0 ? -s - 1 : 2 * n - 1 - s;
        frame[i] = samples[s] * window[i];
      }
      this.spectrum.compute(frame, power);
      for (let m = 0; m < dim; m++) {
        const { firstBin, weights } = filters[m];
        let energy = 0;
        for (let k = 0; k < weights.length; k++) energy += weights[k] * power[firstBin + k];
        const logEnergy = Math.log10(Math.max(Math.fround(energy), 1e-10));
        data[f * dim + m] = logEnergy;
        if (logEnergy > max) max = logEnergy;
      }
    }
    const floor = Math.fround(max) - 8;
    for (let i = 0; i < data.length; i++) data[i] = (Math.max(data[i], floor) + 4) / 4;
    return { data, numFrames, dim };
  }
}
