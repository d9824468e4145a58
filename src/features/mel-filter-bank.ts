/**
 * Triangular mel filter banks over the bins of a power spectrum, in the two flavours kaldi-native-fbank
 * offers: Kaldi's (HTK mel scale, weights in mel) and librosa's (Slaney mel scale, weights in Hz, Slaney
 * area normalization). Stored sparsely: each filter is an offset plus its non-zero weights.
 */
export interface MelFilter {
  /** First power-spectrum bin the filter covers. */
  firstBin: number;
  weights: Float64Array;
}

export interface MelBankOptions {
  numBins: number;
  sampleRateHz: number;
  /** FFT size (the padded window length). */
  fftSize: number;
  lowFreqHz: number;
  /** > 0: absolute; ≤ 0: offset from Nyquist. */
  highFreqHz: number;
  /** librosa/Slaney filters instead of Kaldi's. */
  librosa: boolean;
}

const melHtk = (hz: number) => 1127 * Math.log(1 + hz / 700);
const melSlaney = (hz: number) => (hz <= 1000 ? (hz * 3) / 200 : 15 + (27 * Math.log(hz / 1000)) / Math.log(6.4));
const hzSlaney = (mel: number) => (mel <= 15 ? (mel * 200) / 3 : 1000 * Math.exp(((mel - 15) * Math.log(6.4)) / 27));

export function makeMelFilterBank(o: MelBankOptions): MelFilter[] {
  const nyquist = o.sampleRateHz / 2;
  const low = o.lowFreqHz;
  const high = o.highFreqHz > 0 ? o.highFreqHz : nyquist + o.highFreqHz;
  if (low < 0 || low >= nyquist || high <= 0 || high > nyquist || high <= low) {
    throw new RangeError(`bad mel range ${low}..${high} Hz for Nyquist ${nyquist} Hz`);
  }
  const binWidthHz = o.sampleRateHz / o.fftSize;
  // Kaldi's filters cover bins 0..fft/2-1, librosa's 0..fft/2 (as kaldi-native-fbank does).
  const numFftBins = o.fftSize / 2 + (o.librosa ? 1 : 0);
  const toMel = o.librosa ? melSlaney : melHtk;
  const melLow = toMel(low);
  const melDelta = (toMel(high) - melLow) / (o.numBins + 1);
  const filters: MelFilter[] = [];
  for (let bin = 0; bin < o.numBins; bin++) {
    const leftMel = melLow + bin * melDelta;
    const centerMel = leftMel + melDelta;
    const rightMel = centerMel + melDelta;
    const weights: number[] = [];
    let first = -1;
    for (let i = 0; i < numFftBins; i++) {
      const hz = binWidthHz * i;
      let weight = 0;
      if (o.librosa) {
        const [l, c, r] = [hzSlaney(leftMel), hzSlaney(centerMel), hzSlaney(rightMel)];
        if (hz > l && hz < r) weight = (hz <= c ? (hz - l) / (c - l) : (r - hz) / (r - c)) * (2 / (r - l));
      } else {
        const mel = melHtk(hz);
        if (mel > leftMel && mel < rightMel) weight = mel <= centerMel ? (mel - leftMel) / melDelta : (rightMel - mel) / melDelta;
      }
      if (weight > 0) {
        if (first < 0) first = i;
        weights[i - first] = weight;
      } else if (first >= 0 && weights.length > 0 && i > first + weights.length) {
        break;
      }
    }
    if (first < 0) throw new RangeError(`mel bin ${bin} is empty: too many bins (${o.numBins}) for FFT size ${o.fftSize}`);
    const dense = Float64Array.from(weights, (w) => w ?? 0);
    filters.push({ firstBin: first, weights: dense });
  }
  return filters;
}
