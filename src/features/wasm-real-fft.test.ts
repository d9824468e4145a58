import { RealFft } from './fft';
import { WasmRealFft } from './wasm-real-fft';

describe('WasmRealFft (PFFFT)', () => {
  test.each([32, 256, 512, 1024])('matches the JavaScript FFT for %i points', (size) => {
    const wasm = WasmRealFft.create(size);
    expect(wasm).toBeDefined();
    const signal = new Float64Array(size);
    for (let i = 0; i < size; i++) signal[i] = Math.sin(i * 0.3) + 0.5 * Math.cos(i * 1.7) + (i % 7) / 10;
    wasm!.frame.set(signal);
    const ours = new Float64Array(size / 2 + 1);
    const theirs = new Float64Array(size / 2 + 1);
    wasm!.powerSpectrum(theirs);
    new RealFft(size).powerSpectrum(signal, ours);
    for (let k = 0; k <= size / 2; k++) expect(theirs[k]).toBeCloseTo(ours[k], Math.max(0, 3 - Math.round(Math.log10(Math.max(1, ours[k])))));
  });

  test('refuses sizes PFFFT does not support', () => {
    expect(WasmRealFft.create(16)).toBeUndefined();
    expect(WasmRealFft.create(500)).toBeUndefined();
  });

  test('many transforms share one module without clobbering each other', () => {
    const a = WasmRealFft.create(512)!;
    const b = WasmRealFft.create(512)!;
    a.frame.fill(0);
    a.frame[1] = 1;
    b.frame.fill(1);
    const pa = new Float64Array(257);
    const pb = new Float64Array(257);
    a.powerSpectrum(pa);
    b.powerSpectrum(pb);
    expect(pa[10]).toBeCloseTo(1, 5); // a unit impulse has a flat spectrum
    expect(pb[0]).toBeCloseTo(512 * 512, 0); // a constant has all its energy at DC
    expect(pb[10]).toBeCloseTo(0, 5);
  });
});
