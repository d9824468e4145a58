import { resample } from './resample';

function sine(freqHz: number, rateHz: number, seconds: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(rateHz * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / rateHz);
  return out;
}

/** RMS over the middle half, away from the edges. */
function midRms(x: Float32Array): number {
  const a = Math.floor(x.length / 4);
  const b = Math.floor((3 * x.length) / 4);
  let s = 0;
  for (let i = a; i < b; i++) s += x[i] * x[i];
  return Math.sqrt(s / (b - a));
}

describe('resample', () => {
  test('same rate returns the input untouched', () => {
    const x = sine(440, 16000, 0.1);
    expect(resample(x, 16000, 16000)).toBe(x);
  });

  test.each([
    [48000, 16000],
    [44100, 16000],
    [8000, 16000],
    [24000, 16000],
    [22050, 16000],
    [16000, 24000],
    [11025, 16000],
  ])('%i Hz -> %i Hz keeps a 1 kHz tone at its level and length', (from, to) => {
    const y = resample(sine(1000, from, 0.5), from, to);
    expect(y.length).toBe(Math.floor((Math.round(from * 0.5) * to) / from));
    expect(midRms(y)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    // The tone is still 1 kHz: compare with an ideal sine at the output rate (allowing for phase).
    const ref = sine(1000, to, y.length / to);
    let dot = 0;
    for (let i = 100; i < y.length - 100; i++) dot += y[i] * ref[i];
    expect(dot / (y.length - 200)).toBeGreaterThan(0.12);
  });

  test.each([
    [48000, 12000],
    [44100, 10000],
    [32000, 9000],
  ])('%i Hz -> 16 kHz removes a %i Hz tone above the new Nyquist (no aliasing)', (from, freq) => {
    const y = resample(sine(freq, from, 0.5), from, 16000);
    expect(midRms(y)).toBeLessThan(0.5 / Math.SQRT2 / 300); // better than -50 dB
  });
});
