import { RealFft } from './fft';

/** Direct O(N²) DFT power spectrum, the definition. */
function naivePower(x: number[]): number[] {
  const n = x.length;
  return Array.from({ length: n / 2 + 1 }, (_, k) => {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      re += x[t] * Math.cos((2 * Math.PI * k * t) / n);
      im -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
    }
    return re * re + im * im;
  });
}

describe('RealFft', () => {
  test.each([4, 8, 16, 64, 512])('power spectrum of size %i matches the DFT definition', (n) => {
    let seed = 7;
    const x = Array.from({ length: n }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1);
    const out = new Float64Array(n / 2 + 1);
    new RealFft(n).powerSpectrum(x, out);
    const ref = naivePower(x);
    for (let k = 0; k <= n / 2; k++) expect(out[k]).toBeCloseTo(ref[k], 8);
  });

  test('a pure tone lands in its bin', () => {
    const n = 512;
    const x = Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * 32 * t) / n));
    const out = new Float64Array(n / 2 + 1);
    new RealFft(n).powerSpectrum(x, out);
    expect(out[32]).toBeCloseTo((n / 2) ** 2, 6);
    expect(out[31] + out[33]).toBeLessThan(1e-9);
  });

  test.each([0, 3, 100])('rejects size %i', (n) => {
    expect(() => new RealFft(n)).toThrow(RangeError);
  });
});
