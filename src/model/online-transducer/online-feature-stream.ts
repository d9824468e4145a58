import type { FbankComputer } from '../../features/fbank';

/**
 * Fbank frames of a growing signal, as kaldi-native-fbank's online extractor (inside sherpa-onnx's OnlineStream)
 * computes them with snip_edges=false: a frame is ready once its whole window has arrived; `inputFinished`
 * adds the last frames, whose windows reflect at the end of the signal. The frames equal those of the whole
 * signal computed at once, however the samples arrived.
 *
 * Frame i's window starts at sample `i·shift + shift/2 − length/2` (frame 0 reflects at the start). New frames
 * are computed from a short slice of the kept samples: it starts one shift before the first new frame so
 * that the slice's own first frame (which reflects at the slice start) is the only one discarded.
 */
export class OnlineFeatureStream {
  /** Every frame computed so far, row-major (frames × dim); frame indices are absolute (never reset). */
  private frames: Float32Array;
  private numFramesComputed = 0;
  /** Samples kept, starting at absolute sample `keptStartSample`. */
  private kept = new Float32Array(0);
  private keptStartSample = 0;
  private numSamples = 0;
  private finished = false;
  /** Frames before this one are no longer needed (the caller has consumed them) and may be dropped. */
  private firstKeptFrame = 0;

  constructor(private readonly fbank: FbankComputer) {
    this.frames = new Float32Array(64 * this.dim);
  }

  get dim(): number {
    return this.fbank.options.numMelBins;
  }

  /** Frames ready so far (absolute count from the stream start). */
  get numFramesReady(): number {
    return this.numFramesComputed;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  acceptWaveform(samples: Float32Array): void {
    if (this.finished) throw new Error('acceptWaveform after inputFinished');
    if (samples.length === 0) return;
    const kept = new Float32Array(this.kept.length + samples.length);
    kept.set(this.kept);
    kept.set(samples, this.kept.length);
    this.kept = kept;
    this.numSamples += samples.length;
    this.computeNewFrames();
  }

  /** No more samples: the frames whose windows pass the end are computed (reflected), as Kaldi's flush does. */
  inputFinished(): void {
    if (this.finished) return;
    this.finished = true;
    this.computeNewFrames();
  }

  /** `count` frames from absolute frame `start` (all must be ready), row-major. */
  getFrames(start: number, count: number): Float32Array {
    if (start < this.firstKeptFrame || start + count > this.numFramesComputed) throw new RangeError(`frames [${start}, ${start + count}) are not available`);
    const offset = (start - this.firstKeptFrame) * this.dim;
    return this.frames.slice(offset, offset + count * this.dim);
  }

  /** Frames before `frame` will not be asked for again. */
  discardBefore(frame: number): void {
    const drop = Math.min(frame, this.numFramesComputed) - this.firstKeptFrame;
    if (drop <= 0) return;
    this.frames.copyWithin(0, drop * this.dim, (this.numFramesComputed - this.firstKeptFrame) * this.dim);
    this.firstKeptFrame += drop;
  }

  private firstSampleOf(frame: number): number {
    const { frameShift, frameLength } = this.fbank;
    return frame * frameShift + Math.floor(frameShift / 2) - Math.floor(frameLength / 2);
  }

  private computeNewFrames(): void {
    const { frameShift, frameLength } = this.fbank;
    let ready = this.fbank.numFrames(this.numSamples);
    if (!this.finished) {
      // Without the end of the signal, only frames whose whole window has arrived.
      while (ready > 0 && this.firstSampleOf(ready - 1) + frameLength > this.numSamples) ready--;
    }
    const first = this.numFramesComputed;
    if (ready <= first) return;
    const sliceStart = first === 0 ? 0 : (first - 1) * frameShift;
    const slice = this.kept.subarray(sliceStart - this.keptStartSample);
    const computed = this.fbank.compute(slice);
    const skip = first === 0 ? 0 : 1;
    const count = ready - first;
    this.append(computed.data.subarray(skip * this.dim, (skip + count) * this.dim), count);
    this.numFramesComputed = ready;
    // Keep from one shift before the next frame to compute (the next slice's start).
    const keepFrom = Math.max(0, (ready - 1) * frameShift);
    if (keepFrom > this.keptStartSample) {
      this.kept = this.kept.slice(keepFrom - this.keptStartSample);
      this.keptStartSample = keepFrom;
    }
  }

  private append(data: Float32Array, count: number): void {
    const used = (this.numFramesComputed - this.firstKeptFrame) * this.dim;
    if (used + count * this.dim > this.frames.length) {
      const grown = new Float32Array(Math.max(2 * this.frames.length, used + count * this.dim));
      grown.set(this.frames.subarray(0, used));
      this.frames = grown;
    }
    this.frames.set(data, used);
  }
}
