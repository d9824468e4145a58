import type { StreamSegmentResult } from './stream-protocol';

export type { StreamSegmentResult } from './stream-protocol';

/**
 * One live stream of an online model, decoded chunk by chunk from state in the inference worker it is pinned
 * to (sherpa-onnx's OnlineStream seen from its caller). Calls are answered in order. Once the worker holding it
 * stops, every call rejects with an ApiError 500 `inference_failed` (the stream cannot continue elsewhere).
 */
export interface OnlineRecognizerStream {
  /** Feeds 16 kHz samples; resolves with the current segment after every complete chunk is decoded. */
  accept(samples: Float32Array): Promise<StreamSegmentResult>;
  /** An endpoint: resolves with the segment that ends here; the next segment continues from the stream's state. */
  endpoint(): Promise<StreamSegmentResult>;
  /** The input is over: decodes the rest (with tail padding) and resolves with the last segment. */
  finish(): Promise<StreamSegmentResult>;
  /** Frees the stream's state in its worker; pending calls still settle. */
  close(): void;
}
