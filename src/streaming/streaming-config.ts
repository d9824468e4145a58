import { DEFAULT_VAD_SEGMENTER_CONFIG, resolveVadSegmenterConfig, VadSegmenterConfig } from '../vad/vad-segmenter';

/**
 * Settings of one streaming transcription session. The input contract is 16 kHz mono float32 in [-1, 1]:
 * transports convert and resample before `pushAudio`.
 */
export interface StreamingTranscriberConfig {
  /** How utterances end: by VAD silence (`server_vad`), or only by `commit()` / `end()` (`manual`). */
  turnDetection: 'server_vad' | 'manual';
  /** VAD settings (used with `server_vad`). */
  vad: VadSegmenterConfig;
  /** While speech continues, the uncommitted audio is re-transcribed this often, in ms of audio. */
  updateIntervalMs: number;
  /** Whether partials are made at all (a file transcribed offline needs only the finals). */
  partialUpdates: boolean;

  /** An utterance longer than this, in seconds, is finalized (at its last committed word) while speech goes on. */
  maxUtteranceSec: number;
  /** Audio held by the session at most, in seconds; must exceed `maxUtteranceSec` plus `maxLagMs`. */
  maxBufferedSec: number;
  /** Received audio not yet processed, in ms, above which `pushAudio` refuses audio (429 `stream_lagging`). */
  maxLagMs: number;
  /**
   * Audio before the uncommitted window decoded with it, in ms (within the utterance): the acoustic left
   * context of the window's first word, so a word is not misheard for starting at the cut. Words heard in it
   * are already committed and are dropped; committed words before it prime the LM instead.
   */
  leftContextMs: number;
  /** Audio after the VAD's speech end included in the final transcription, in ms. */
  finalPaddingMs: number;
  /** Least audio `commit()` accepts in manual mode, in ms (OpenAI requires 100). */
  minCommitMs: number;
}

export const DEFAULT_STREAMING_CONFIG: Readonly<StreamingTranscriberConfig> = Object.freeze({
  turnDetection: 'server_vad',
  vad: DEFAULT_VAD_SEGMENTER_CONFIG,
  updateIntervalMs: 300,
  partialUpdates: true,
  maxUtteranceSec: 30,
  maxBufferedSec: 45,
  maxLagMs: 5000,
  leftContextMs: 1000,
  finalPaddingMs: 500,
  minCommitMs: 100,
});

/** Checks ranges and consistency; throws a RangeError naming the bad field. */
export function validateStreamingConfig(config: StreamingTranscriberConfig): StreamingTranscriberConfig {
  resolveVadSegmenterConfig(config.vad);
  const checks: [keyof StreamingTranscriberConfig, number, number, number][] = [
    ['updateIntervalMs', config.updateIntervalMs, 20, 10_000],
    ['maxUtteranceSec', config.maxUtteranceSec, 1, 600],
    ['maxLagMs', config.maxLagMs, 100, 600_000],
    ['leftContextMs', config.leftContextMs, 0, 5000],
    ['finalPaddingMs', config.finalPaddingMs, 0, 2000],
    ['minCommitMs', config.minCommitMs, 0, 10_000],
  ];
  for (const [field, value, min, max] of checks) {
    if (!(value >= min && value <= max)) throw new RangeError(`${field} must be in [${min}, ${max}], got ${value}`);
  }
  const neededSec =
    config.maxUtteranceSec + (config.maxLagMs + config.leftContextMs + config.vad.prefixPaddingMs + config.vad.minSpeechMs + 1000) / 1000;
  if (!(config.maxBufferedSec >= neededSec)) {
    throw new RangeError(`maxBufferedSec must be at least ${neededSec} (maxUtteranceSec + maxLagMs + leftContextMs + padding), got ${config.maxBufferedSec}`);
  }
  return config;
}
