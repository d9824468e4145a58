import type * as ort from 'onnxruntime-node';
import type { OnlineModelStream, OnlineSegment } from '../online-acoustic-model';
import type { TransducerStepper } from '../transducer/transducer-greedy-decoder';
import type { OnlineFeatureStream } from './online-feature-stream';
import { emptyGreedyResult, nextSegmentResult, onlineGreedySearch, type OnlineGreedyResult } from './online-transducer-greedy-search';

/** Seconds of zeros appended when the input ends, as sherpa-onnx's online-decode-files.py does, so the last chunk is decoded. */
export const TAIL_PADDING_SEC = 0.66;

/** Feature frame shift, in seconds. */
const FRAME_SHIFT_SEC = 0.01;

/** What a stream needs from its model. */
export interface OnlineTransducerRunner extends TransducerStepper {
  /** Feature frames per encoder run (T). */
  readonly chunkFrames: number;
  /** Feature frames each run advances (decode_chunk_len). */
  readonly chunkShiftFrames: number;
  initialStates(): ort.Tensor[];
  /** Runs the encoder on one chunk (chunkFrames × dim); returns encoder_out (frames × encoderDim) and the next caches. */
  runEncoderChunk(features: Float32Array, states: ort.Tensor[]): Promise<{ encoderOut: Float32Array; numFrames: number; encoderDim: number; states: ort.Tensor[] }>;
}

/**
 * One stream of an online transducer (sherpa-onnx's OnlineStream with OnlineRecognizerTransducerImpl's
 * DecodeStreams and Reset): features computed as samples arrive; a chunk of `T` frames is decoded once more
 * than `T` frames are ready past the processed ones, then processing advances `decode_chunk_len` frames; the
 * encoder caches and the greedy search state carry over from chunk to chunk. At an endpoint (`reset`) the
 * encoder caches are kept and the decoder continues from the last tokens; token frames restart at 0.
 */
export class OnlineTransducerStream implements OnlineModelStream {
  private states: ort.Tensor[];
  private greedy: OnlineGreedyResult;
  /** Feature frames consumed by the encoder since the stream started (a multiple of the chunk shift). */
  private processedFrames = 0;
  /** Where the current segment starts, in feature frames since the stream started. */
  private segmentStartFrame = 0;
  private segmentIndex = 0;

  constructor(
    private readonly model: OnlineTransducerRunner,
    private readonly features: OnlineFeatureStream,
  ) {
    this.states = model.initialStates();
    this.greedy = emptyGreedyResult(model.contextSize, model.blankId);
  }

  async acceptWaveform(samples: Float32Array): Promise<void> {
    this.features.acceptWaveform(samples);
    await this.decodeReady();
  }

  async inputFinished(): Promise<void> {
    if (this.features.isFinished) return;
    this.features.acceptWaveform(new Float32Array(Math.round(TAIL_PADDING_SEC * 16000)));
    this.features.inputFinished();
    await this.decodeReady();
  }

  result(): OnlineSegment {
    return {
      index: this.segmentIndex,
      startSec: this.segmentStartFrame * FRAME_SHIFT_SEC,
      tokens: this.greedy.emitted.slice(),
      decodedSec: this.processedFrames * FRAME_SHIFT_SEC,
    };
  }

  reset(): void {
    const last = this.greedy;
    const { contextSize, blankId } = this.model;
    // sherpa-onnx counts a segment only when it emitted something.
    if (last.tokens.length > contextSize && last.tokens[last.tokens.length - 1] !== blankId) this.segmentIndex++;
    this.greedy = nextSegmentResult(last, contextSize, blankId);
    this.segmentStartFrame = this.processedFrames;
  }

  /** Decodes chunks while one is complete (sherpa-onnx's IsReady: processed + T < frames ready). */
  private async decodeReady(): Promise<void> {
    const { chunkFrames, chunkShiftFrames } = this.model;
    while (this.processedFrames + chunkFrames < this.features.numFramesReady) {
      const chunk = this.features.getFrames(this.processedFrames, chunkFrames);
      const out = await this.model.runEncoderChunk(chunk, this.states);
      this.states = out.states;
      this.processedFrames += chunkShiftFrames;
      this.features.discardBefore(this.processedFrames);
      await onlineGreedySearch(this.model, this.greedy, out.encoderOut, out.numFrames, out.encoderDim);
    }
  }
}
