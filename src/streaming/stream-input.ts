/**
 * The input contract of the streaming layer: mono float32 samples in [-1, 1] at 16 kHz, the rate of every
 * model we load and of the VAD. Nothing under src/streaming resamples or decodes: transports (WebSocket
 * captions, OpenAI Realtime) convert PCM16 / float32 / G.711 at 8–48 kHz to this before `pushAudio`.
 * All stream times are counted in these samples from the first one accepted.
 */
export const STREAM_SAMPLE_RATE_HZ = 16000;

/** Samples per millisecond of stream audio. */
export const STREAM_SAMPLES_PER_MS = STREAM_SAMPLE_RATE_HZ / 1000;
