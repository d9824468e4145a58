import { decodePcm, type PcmEncoding } from '../audio/pcm';
import { Resampler } from '../audio/resample';
import { STREAM_SAMPLE_RATE_HZ } from '../streaming/stream-input';

/** Converts a live stream's raw frames (any supported encoding and rate) to 16 kHz float samples. */
export class AudioIngest {
  private readonly resampler: Resampler;
  /** Input samples received so far (at the client's rate). */
  receivedSamples = 0;

  constructor(
    readonly encoding: PcmEncoding,
    readonly sampleRateHz: number,
  ) {
    this.resampler = new Resampler(sampleRateHz, STREAM_SAMPLE_RATE_HZ);
  }

  /** Audio received so far, in ms. */
  get receivedMs(): number {
    return (this.receivedSamples / this.sampleRateHz) * 1000;
  }

  /** Decodes one frame; throws a RangeError for a frame that is not whole samples. */
  push(bytes: Uint8Array): Float32Array {
    const samples = decodePcm(bytes, this.encoding);
    this.receivedSamples += samples.length;
    return this.resampler.push(samples);
  }

  /** The resampler's tail at the end of the stream. */
  flush(): Float32Array {
    return this.resampler.flush();
  }
}
