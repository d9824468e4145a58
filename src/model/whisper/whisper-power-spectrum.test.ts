import { PowerSpectrum } from './whisper-power-spectrum';

/** |X[k]|² by the definition of the DFT. */
function naivePower(frame: Float64Array): Float64Array {
  const n = frame.length;
  return Float64Array.from({ length: n / 2 + 1 }, (_, k) => {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      re += frame[t] * Math.cos((2 * Math.PI * k * t) / n);
      im -= frame[t] * Math.sin((2 * Math.PI * k * t) / n);
    }
    return re * re + im * im;
  });
}

describe('PowerSpectrum', () => {
  test.each([400, 16, 24, 50, 2])('matches the DFT definition for N = %i', (n) => {
    const frame = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + 0.5 * Math.cos(i * 1.9) + ((i * 7919) % 13) / 13 - 0.5);
    const out = new Float64Array(n / 2 + 1);
    new PowerSpectrum(n).compute(frame, out);
    const expected = naivePower(frame);
    for (let k = 0; k <= n / 2; k++) expect(out[k]).toBeCloseTo(expected[k], 6);
  });

  test('a sine at bin 10 of 400 samples puts its energy there', () => {
    const frame = Float64Array.from({ length: 400 }, (_, i) => Math.cos((2 * Math.PI * 10 * i) / 400));
    const out = new Float64Array(201);
    new PowerSpectrum(400).compute(frame, out);
    expect(out[10]).toBeCloseTo(200 * 200, 3);
    expect(out[11]).toBeLessThan(1e-12 * out[10] + 1e-9);
  });

  test('odd lengths are refused', () => {
    expect(() => new PowerSpectrum(25)).toThrow(RangeError);
  });
});
