import { isDigitalSilence } from './digital-silence';

describe('isDigitalSilence', () => {
  test('zeros and dither below -80 dBFS are silence; one audible sample is not', () => {
    expect(isDigitalSilence(new Float32Array(16000))).toBe(true);
    const dither = Float32Array.from({ length: 16000 }, (_, i) => ((i % 7) - 3) * 3e-5);
    expect(isDigitalSilence(dither)).toBe(true);
    dither[9000] = -0.001;
    expect(isDigitalSilence(dither)).toBe(false);
    expect(isDigitalSilence(new Float32Array(0))).toBe(true);
  });
});
