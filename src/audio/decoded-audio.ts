/** Mono float audio in [-1, 1] at a known rate: what every decoder produces and the pipeline consumes. */
export interface DecodedAudio {
  samples: Float32Array;
  sampleRateHz: number;
}

export function durationSec(audio: DecodedAudio): number {
  return audio.samples.length / audio.sampleRateHz;
}
