/**
 * What the streaming and offline layers need from a voice activity detector: per-chunk speech probabilities
 * for 16 kHz mono audio, with the model's recurrent state carried from one call to the next per stream.
 */

/** Sample rate every VAD input is at, in Hz. */
export const VAD_SAMPLE_RATE_HZ = 16000;

/** Samples per VAD chunk (32 ms at 16 kHz), the window Silero VAD is trained on. */
export const VAD_CHUNK_SAMPLES = 512;

/** One stream's view of the detector; its recurrent state continues across `process` calls. */
export interface SpeechProbabilityStream {
  /**
   * Speech probabilities in [0, 1], one per `VAD_CHUNK_SAMPLES` chunk of `samples`, in order.
   * `samples.length` must be a multiple of `VAD_CHUNK_SAMPLES`. Calls must not overlap (await each one).
   * Rejects with an ApiError 503 (`vad_overloaded`) when the detector's queue is full.
   */
  process(samples: Float32Array): Promise<Float32Array>;
  /** Forgets the recurrent state, as at the start of a new stream. */
  reset(): void;
  /** Releases the stream's state; the stream must not be used afterwards. */
  close(): void;
}

/**
 * Several streams advanced together: each `process` call takes an equal whole number of chunks for every
 * member and scores them in one batched pass (much cheaper per chunk than separate streams).
 */
export interface SpeechProbabilityBatch {
  readonly size: number;
  /** One array of samples per member, all the same length (a multiple of `VAD_CHUNK_SAMPLES`). */
  process(samples: Float32Array[]): Promise<Float32Array[]>;
  close(): void;
}

/** Hands out independent streams over one shared detector. */
export interface SpeechProbabilitySource {
  openStream(): SpeechProbabilityStream;
  /** A batch of `size` fresh streams, when the detector can score streams together. */
  openBatch?(size: number): SpeechProbabilityBatch;
}
