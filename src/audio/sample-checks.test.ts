import { nonFiniteSampleError } from './sample-checks';

describe('nonFiniteSampleError', () => {
  test.each([
    ['NaN', NaN],
    ['+Infinity', Infinity],
    ['-Infinity', -Infinity],
  ])('%s anywhere is a 400 invalid_audio', (_name, value) => {
    const samples = new Float32Array(1000).fill(0.25);
    samples[777] = value;
    const err = nonFiniteSampleError(samples);
    expect(err?.status).toBe(400);
    expect(err?.code).toBe('invalid_audio');
  });

  test('finite samples, even out of range, pass', () => {
    expect(nonFiniteSampleError(Float32Array.of(0, 1, -1, 3.5, -1e30))).toBeNull();
  });
});
