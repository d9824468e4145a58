import { VAD_CHUNK_SAMPLES, VAD_SAMPLE_RATE_HZ } from './speech-probability';

export interface VadSegmenterConfig {
  /** Probability at or above which a chunk is speech, in (0, 1). Silero's default is 0.5. */
  threshold: number;
  /**
   * Probability below which a chunk is silence once speech has started (hysteresis), in [0, threshold].
   * Defaults to `threshold - 0.15` (floored at 0.01), as Silero recommends.
   */
  negativeThreshold?: number;
  /** Speech must last this long, in ms, before `speech_start` is emitted (shorter blips are ignored). */
  minSpeechMs: number;
  /** Silence must last this long, in ms, before `speech_end` is emitted. */
  minSilenceMs: number;
  /** Audio before the detected onset to include in the utterance, in ms (`paddedStartSample`). */
  prefixPaddingMs: number;
}

export const DEFAULT_VAD_SEGMENTER_CONFIG: Readonly<VadSegmenterConfig> = Object.freeze({
  threshold: 0.5,
  minSpeechMs: 96,
  minSilenceMs: 500,
  prefixPaddingMs: 300,
});

/** How far, in chunks, a speech end is moved back to the start of Silero's probability decay. */
const MAX_DECAY_CHUNKS = 3;

/** Absolute sample indices (at 16 kHz) of the stream the segmenter is fed. */
export type VadEvent =
  | {
      type: 'speech_start';
      /** First sample of the first speech chunk. */
      startSample: number;
      /** `startSample` minus the prefix padding, never before the previous speech end or the first sample. */
      paddedStartSample: number;
    }
  | {
      type: 'speech_end';
      /** The matching speech_start's `startSample`. */
      startSample: number;
      /**
       * First sample after the speech: where the speech probability began its decay into the silence that
       * ended it (or where the stream ended).
       */
      endSample: number;
    };

/** Resolves the defaults and checks ranges; throws a RangeError naming the bad field. */
export function resolveVadSegmenterConfig(config: VadSegmenterConfig): Required<VadSegmenterConfig> {
  const negativeThreshold = config.negativeThreshold ?? Math.max(0.01, config.threshold - 0.15);
  const checks: [keyof VadSegmenterConfig, number, boolean][] = [
    ['threshold', config.threshold, config.threshold > 0 && config.threshold < 1],
    ['negativeThreshold', negativeThreshold, negativeThreshold >= 0 && negativeThreshold <= config.threshold],
    ['minSpeechMs', config.minSpeechMs, config.minSpeechMs >= 0],
    ['minSilenceMs', config.minSilenceMs, config.minSilenceMs >= 0],
    ['prefixPaddingMs', config.prefixPaddingMs, config.prefixPaddingMs >= 0],
  ];
  for (const [field, value, ok] of checks) {
    if (!ok || !Number.isFinite(value)) throw new RangeError(`VAD ${field} out of range: ${value}`);
  }
  return { ...config, negativeThreshold };
}

/**
 * A pure state machine from per-chunk speech probabilities to speech start/end events. Chunk k covers the
 * samples `[firstSample + k*512, firstSample + (k+1)*512)`; every reported index is absolute.
 */
export class VadSegmenter {
  private readonly config: Required<VadSegmenterConfig>;
  private readonly minSpeechSamples: number;
  private readonly minSilenceSamples: number;
  private readonly prefixPaddingSamples: number;
  /** End of the chunks consumed so far. */
  private processed: number;
  /** Where the speech being confirmed (silence state) or the current speech (speech state) started. */
  private speechStart: number | null = null;
  private speaking = false;
  /** Start of the silence that may end the current speech. */
  private silenceStart: number | null = null;
  /** Where the last speech ended; padding never reaches before it. */
  private lastSpeechEnd: number;
  /** Start of the current run of speech chunks below the confident level (`(threshold + 1) / 2`). */
  private decayStart: number | null = null;
  private readonly confidentProbability: number;

  constructor(config: VadSegmenterConfig, firstSample = 0) {
    this.config = resolveVadSegmenterConfig(config);
    const samplesPerMs = VAD_SAMPLE_RATE_HZ / 1000;
    this.minSpeechSamples = Math.round(config.minSpeechMs * samplesPerMs);
    this.minSilenceSamples = Math.round(config.minSilenceMs * samplesPerMs);
    this.prefixPaddingSamples = Math.round(config.prefixPaddingMs * samplesPerMs);
    this.processed = firstSample;
    this.lastSpeechEnd = firstSample;
    this.confidentProbability = (this.config.threshold + 1) / 2;
  }

  /** End (exclusive) of the audio the segmenter has consumed. */
  get processedSample(): number {
    return this.processed;
  }

  /** True between `speech_start` and `speech_end`. */
  get inSpeech(): boolean {
    return this.speaking;
  }

  /** No future event's `paddedStartSample` lies before this sample, so audio before it may be discarded. */
  get earliestNeededSample(): number {
    // In speech, the next padded start is at or after this speech's end, which is at most MAX_DECAY_CHUNKS
    // before the silence already begun (or before now).
    if (this.speaking) return Math.max(this.speechStart!, (this.silenceStart ?? this.processed) - MAX_DECAY_CHUNKS * VAD_CHUNK_SAMPLES);
    const onset = this.speechStart ?? this.processed;
    return Math.max(this.lastSpeechEnd, onset - this.prefixPaddingSamples);
  }

  /** Consumes one chunk's probability; returns the events it causes (at most one). */
  push(probability: number): VadEvent[] {
    const chunkStart = this.processed;
    this.processed += VAD_CHUNK_SAMPLES;
    const { threshold, negativeThreshold } = this.config;
    if (!this.speaking) {
      if (this.speechStart === null) {
        if (probability >= threshold) this.speechStart = chunkStart;
      } else if (probability < negativeThreshold) {
        this.speechStart = null;
      }
      if (this.speechStart !== null && this.processed - this.speechStart >= this.minSpeechSamples) {
        this.speaking = true;
        this.silenceStart = null;
        const paddedStartSample = Math.max(this.lastSpeechEnd, this.speechStart - this.prefixPaddingSamples);
        return [{ type: 'speech_start', startSample: this.speechStart, paddedStartSample }];
      }
      return [];
    }
    if (probability >= this.confidentProbability) this.decayStart = null;
    else if (this.decayStart === null) this.decayStart = chunkStart;
    if (probability >= threshold) {
      this.silenceStart = null;
    } else if (probability < negativeThreshold && this.silenceStart === null) {
      this.silenceStart = chunkStart;
    }
    if (this.silenceStart !== null && this.processed - this.silenceStart >= this.minSilenceSamples) {
      return [this.endSpeech(this.speechEndBefore(this.silenceStart))];
    }
    return [];
  }

  /**
   * Silero's probability trails the audio: after speech stops it decays over two or three chunks before
   * falling below the negative threshold. The speech end is therefore placed where that decay began (the
   * first chunk below the confident level), looking back at most `MAX_DECAY_CHUNKS` from the silence.
   */
  private speechEndBefore(silenceStart: number): number {
    if (this.decayStart === null) return silenceStart;
    const earliest = Math.max(this.speechStart! + VAD_CHUNK_SAMPLES, silenceStart - MAX_DECAY_CHUNKS * VAD_CHUNK_SAMPLES);
    return Math.min(silenceStart, Math.max(this.decayStart, earliest));
  }

  /** Consumes many chunks' probabilities in order. */
  pushAll(probabilities: ArrayLike<number>): VadEvent[] {
    const events: VadEvent[] = [];
    for (let i = 0; i < probabilities.length; i++) events.push(...this.push(probabilities[i]));
    return events;
  }

  /** The stream ended: closes open speech at the last consumed sample (or at the silence already begun). */
  end(): VadEvent[] {
    if (!this.speaking) {
      this.speechStart = null;
      return [];
    }
    return [this.endSpeech(this.silenceStart === null ? this.processed : this.speechEndBefore(this.silenceStart))];
  }

  /**
   * Forgets any speech in progress without an event (the audio was cleared); detection resumes from the
   * current position.
   */
  reset(): void {
    this.speaking = false;
    this.speechStart = null;
    this.silenceStart = null;
    this.decayStart = null;
    this.lastSpeechEnd = this.processed;
  }

  private endSpeech(endSample: number): VadEvent {
    const startSample = this.speechStart!;
    this.speaking = false;
    this.speechStart = null;
    this.silenceStart = null;
    this.decayStart = null;
    this.lastSpeechEnd = endSample;
    return { type: 'speech_end', startSample, endSample };
  }
}
