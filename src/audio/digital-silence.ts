/** Loudest sample of digital silence: -80 dBFS, far below any recording's noise floor. */
export const DIGITAL_SILENCE_PEAK = 1e-4;

/**
 * Whether every sample is digital silence (|x| ≤ -80 dBFS). Such audio needs no VAD and no model: a small
 * model may hear a letter or two in it, and a file of hours of it should cost nothing.
 */
export function isDigitalSilence(samples: Float32Array): boolean {
  for (let i = 0; i < samples.length; i++) if (samples[i] > DIGITAL_SILENCE_PEAK || samples[i] < -DIGITAL_SILENCE_PEAK) return false;
  return true;
}
