import { resample, resampleAsync, Resampler } from './resample';

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

describe('Resampler (streaming)', () => {
  test.each([
    [48000, 16000, [480, 960, 7, 1000, 3333]],
    [44100, 16000, [441, 100, 5000, 1]],
    [8000, 16000, [160, 160, 33, 4000]],
    [24000, 16000, [480, 1, 2, 2400]],
  ])('%i -> %i in chunks %j equals one call on the whole signal', (from, to, chunkSizes) => {
    const x = sine(700, from, 0.6);
    const whole = resample(x, from, to);
    const r = new Resampler(from, to);
    const parts: number[] = [];
    let at = 0;
    let i = 0;
    while (at < x.length) {
      const size = chunkSizes[i++ % chunkSizes.length];
      parts.push(...r.push(x.subarray(at, at + size)));
      at += size;
    }
    parts.push(...r.flush());
    expect(parts.length).toBe(whole.length);
    let worst = 0;
    for (let k = 0; k < whole.length; k++) worst = Math.max(worst, Math.abs(parts[k] - whole[k]));
    expect(worst).toBeLessThan(1e-6);
  });

  test('output lags input by at most the filter half-width', () => {
    const r = new Resampler(48000, 16000);
    const out = r.push(new Float32Array(4800));
    expect(out.length).toBeGreaterThan(1600 - 60);
    expect(out.length).toBeLessThanOrEqual(1600);
  });
});

describe('resampleAsync', () => {
  test('gives exactly what resample gives, for a signal longer than one slice', async () => {
    const x = sine(440, 44100, 7);
    const a = resample(x, 44100, 16000);
    const b = await resampleAsync(x, 44100, 16000);
    expect(b.length).toBe(a.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-6);
  });
});
