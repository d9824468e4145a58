import { StreamResampler } from '../../web/src/stream-resampler';

/** The live-captions page's AudioWorklet resampler (web/src/stream-resampler.ts), on synthetic tones. */
describe('StreamResampler', () => {
  const tone = (hz: number, rateHz: number, seconds: number) => Float32Array.from({ length: Math.round(rateHz * seconds) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rateHz));
  const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
  /** Pushes `input` in AudioWorklet render quanta (128 frames). */
  const inQuanta = (r: StreamResampler, input: Float32Array) => {
    const out: number[] = [];
    for (let i = 0; i < input.length; i += 128) out.push(...r.push(input.subarray(i, i + 128)));
    return Float32Array.from(out);
  };

  test.each([48000, 44100, 22050, 16000])('%i Hz → 16 kHz: one output sample per 1/16000 s, a 1 kHz tone kept at its level and frequency', (inRate) => {
    const out = inQuanta(new StreamResampler(inRate, 16000), tone(1000, inRate, 1));
    expect(Math.abs(out.length - 16000)).toBeLessThanOrEqual(1);
    const steady = out.subarray(200, 15800);
    expect(rms(steady)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    // Output sample i is the input at i × step, delayed by the low-pass filter's half length (`centre` input samples).
    const step = inRate / 16000;
    const centre = step > 1 ? Math.ceil(4 * step) : 0;
    let err = 0;
    for (let i = 200; i < 15800; i++) err += (out[i] - 0.5 * Math.sin((2 * Math.PI * 1000 * (i * step - centre)) / inRate)) ** 2;
    expect(Math.sqrt(err / 15600)).toBeLessThan(0.01);
  });

  test('tones above the new Nyquist frequency (8 kHz) are removed, not folded into speech frequencies', () => {
    const out = inQuanta(new StreamResampler(48000, 16000), tone(11000, 48000, 1));
    expect(rms(out.subarray(200))).toBeLessThan((0.5 / Math.SQRT2) * 0.05); // < -26 dB
  });

  test('the output does not depend on how the input is chunked', () => {
    const input = tone(440, 44100, 0.5);
    const whole = new StreamResampler(44100, 16000).push(input);
    const chunked = inQuanta(new StreamResampler(44100, 16000), input);
    expect(chunked.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) expect(chunked[i]).toBeCloseTo(whole[i], 5);
  });
});
