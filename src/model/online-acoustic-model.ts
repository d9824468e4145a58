import type { AcousticModel } from './acoustic-model';
import type { DecodedToken } from './decoded-token';

/**
 * A model that decodes a stream chunk by chunk from state (sherpa-onnx's online recognizers): besides the
 * whole-utterance `decode` every model offers, it opens streams that keep their encoder caches and search
 * state between calls, so each sample is run through the model once however often results are asked for.
 */
export interface OnlineAcousticModel extends AcousticModel {
  createStream(): OnlineModelStream;
}

/** One stream's state inside the worker that holds it. Calls must not overlap (the worker chains them). */
export interface OnlineModelStream {
  /** Takes 16 kHz samples and decodes every chunk that is now complete. */
  acceptWaveform(samples: Float32Array): Promise<void>;
  /** The input is over: appends the tail padding and decodes everything left. */
  inputFinished(): Promise<void>;
  /** The current segment's tokens so far. */
  result(): OnlineSegment;
  /** An endpoint: the current segment ends here and the next one continues from the stream's state. */
  reset(): void;
}

/** What a stream has decoded in its current segment (the audio since the last endpoint). */
export interface OnlineSegment {
  /** Segments are numbered from 0; an endpoint that ends an empty segment keeps the number. */
  index: number;
  /** Where the segment starts in the stream, in seconds (feature frames before it × 10 ms). */
  startSec: number;
  /** Its tokens, with encoder frames counted from its start. */
  tokens: DecodedToken[];
  /** Stream audio decoded so far, in seconds (feature frames consumed × 10 ms): results cover the audio before it. */
  decodedSec: number;
}

export function isOnlineModel(model: AcousticModel): model is OnlineAcousticModel {
  return typeof (model as Partial<OnlineAcousticModel>).createStream === 'function';
}

/** The layouts whose models are online (open streams): the pool's model info tells a session which to use. */
const ONLINE_MODEL_KINDS: ReadonlySet<string> = new Set(['online-transducer']);

export function isOnlineModelKind(kind: string | undefined): boolean {
  return kind !== undefined && ONLINE_MODEL_KINDS.has(kind);
}
