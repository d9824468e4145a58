/** Analysis windows as Kaldi / kaldi-native-fbank define them. `hann` is periodic (torch.hann_window). */
export type WindowType = 'povey' | 'hann' | 'hanning' | 'hamming' | 'rectangular';

export function makeWindow(type: WindowType, length: number): Float64Array {
  const w = new Float64Array(length);
  const a = (2 * Math.PI) / (type === 'hann' ? length : length - 1);
  for (let i = 0; i < length; i++) {
    switch (type) {
      case 'povey':
        w[i] = Math.pow(0.5 - 0.5 * Math.cos(a * i), 0.85);
        break;
      case 'hann':
      case 'hanning':
        w[i] = 0.5 - 0.5 * Math.cos(a * i);
        break;
      case 'hamming':
        w[i] = 0.54 - 0.46 * Math.cos(a * i);
        break;
      case 'rectangular':
        w[i] = 1;
        break;
    }
  }
  return w;
}
