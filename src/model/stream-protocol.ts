import type { RecognizedWord, TokenLogprob } from './recognizer';

/**
 * Messages for streams of online models (inference-protocol.ts carries them beside recognition jobs). A stream
 * lives in ONE worker from `open` to `close`: the pool pins it there (stream-pinning.ts) and the worker keeps its
 * state (worker-streams.ts), so each sample goes through the model once. Every request is answered once, by a
 * `streamResult` or a `streamError` with its `requestId`; a stream's requests run in the order they were sent.
 */
export type StreamOp =
  /** Creates the stream's state for a loaded online model. */
  | { op: 'open'; modelId: string }
  /** 16 kHz samples: every chunk now complete is decoded; answered with the current segment. */
  | { op: 'accept'; samples: Float32Array }
  /** An endpoint: answered with the segment that ends here; the next continues from the stream's state. */
  | { op: 'endpoint' }
  /** The input is over: the tail padding goes in and everything is decoded; answered with the last segment. */
  | { op: 'finish' }
  /** Drops the stream's state (answered with no result). */
  | { op: 'close' };

export type StreamRequest = { type: 'stream'; streamId: number; requestId: number } & StreamOp;

/** A stream's current segment, as text and words in stream time. */
export interface StreamSegmentResult {
  /** Segments are numbered from 0 (sherpa-onnx's `segment`). */
  segment: number;
  /** Where the segment starts in the stream, in seconds. */
  startSec: number;
  /** Its words joined by spaces. */
  text: string;
  /** Its words, with times in stream seconds. */
  words: RecognizedWord[];
  tokens: TokenLogprob[];
  /** Stream audio the model has decoded, in seconds: the result covers the audio before it. */
  decodedSec: number;
  /** The worker's time for the request that gave this result, in ms (added on the main thread from `streamResult`; for traces). */
  inferenceMs?: number;
}

export type StreamResponse =
  | { type: 'streamResult'; streamId: number; requestId: number; result: StreamSegmentResult | null; inferenceMs: number }
  | { type: 'streamError'; streamId: number; requestId: number; message: string };
