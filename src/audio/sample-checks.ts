import { ApiError } from '../errors';

/**
 * A 400 when `samples` hold NaN or ±Infinity (a float file with garbage in it), else null. Such samples
 * would poison features and give a transcript of noise, so the file is refused instead.
 */
export function nonFiniteSampleError(samples: Float32Array): ApiError | null {
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (v - v !== 0) {
      return new ApiError(400, 'The audio holds samples that are not finite numbers (NaN or infinity).', { param: 'file', code: 'invalid_audio' });
    }
  }
  return null;
}
