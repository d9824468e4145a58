import type { FinalEvent } from './streaming-events';

/**
 * What a live session drives, whatever the model: StreamingTranscriber (re-decodes a growing window for
 * partials, decodes the whole utterance for its final, LocalAgreement between) or OnlineStreamingTranscriber
 * (an online model decodes each sample once, from state; partials and finals come straight from its decoder),
 * or DualModelTranscriber around either (partials from STREAM_PARTIAL_MODEL, finals from the stream's model).
 * Audio is 16 kHz mono float32 (stream-input.ts); events go to the `onEvent` the transcriber was built with.
 */
export interface LiveTranscriber {
  /** Audio accepted so far, in ms. */
  readonly receivedMs: number;
  /** Accepted audio not yet through the VAD and the model, in ms (bounded by `maxLagMs`). */
  readonly lagMs: number;
  /** How far the current utterance's text trails the accepted audio, in ms (0 between utterances). */
  readonly transcriptLagMs: number;
  /** Takes samples; throws a 409 once ended, a 429 when lagging more than `maxLagMs`. */
  pushAudio(samples: Float32Array): void;
  /** Ends the current utterance now; resolves with its final (400 when there is too little audio). */
  commit(): Promise<FinalEvent>;
  /** Drops the audio not yet committed, without events. */
  clear(): void;
  /** Processes the rest, finalizes the open utterance, then closes. */
  end(): Promise<void>;
  /** Stops at once; no further events. */
  close(): void;
  /** Resolves once the audio accepted so far is processed. */
  processed(): Promise<void>;
}
