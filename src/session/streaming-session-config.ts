import type { Config } from '../config';
import { DEFAULT_STREAMING_CONFIG, type StreamingTranscriberConfig } from '../streaming/streaming-config';
import type { VadSegmenterConfig } from '../vad/vad-segmenter';

/** Turn-detection settings a client may send (both protocols), before validation. */
export interface ClientVadSettings {
  threshold?: number;
  silenceDurationMs?: number;
  prefixPaddingMs?: number;
  minSpeechMs?: number;
}

/** Builds a transcriber config from the service config and a client's turn-detection choice. */
export function streamingConfigFor(
  config: Readonly<Config>,
  turnDetection: 'server_vad' | 'manual',
  vad: ClientVadSettings = {},
): StreamingTranscriberConfig {
  const base = DEFAULT_STREAMING_CONFIG;
  const segmenter: VadSegmenterConfig = {
    ...base.vad,
    ...(vad.threshold !== undefined ? { threshold: vad.threshold } : {}),
    ...(vad.silenceDurationMs !== undefined ? { minSilenceMs: vad.silenceDurationMs } : {}),
    ...(vad.prefixPaddingMs !== undefined ? { prefixPaddingMs: vad.prefixPaddingMs } : {}),
    ...(vad.minSpeechMs !== undefined ? { minSpeechMs: vad.minSpeechMs } : {}),
  };
  // CHUNK_MAX_SEC bounds an utterance, live or in a file (a longer one is finalized and the next begins); the
  // session's buffer grows with it.
  const maxUtteranceSec = config.chunkMaxSec;
  const maxBufferedSec = Math.max(base.maxBufferedSec, maxUtteranceSec + (base.maxLagMs + 5000) / 1000 + 2);
  return { ...base, turnDetection, vad: segmenter, updateIntervalMs: config.streamUpdateIntervalMs, leftContextMs: config.streamLeftContextMs, maxUtteranceSec, maxBufferedSec };
}
