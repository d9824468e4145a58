import { ApiError } from '../errors';

/**
 * A bounded buffer of float samples addressed by absolute sample index.
 *
 * Sample `n` is the n-th sample ever appended (counting from `firstSample`, 0 by default), so every index a
 * caller holds stays valid as a timestamp for the whole stream. The retained range is
 * `[startSample, endSample)`; `startSample` only grows (via `discardBefore`) and never wraps around, even
 * though the storage underneath is circular.
 */
export class RingBuffer {
  /** Largest number of samples held at once. */
  readonly capacitySamples: number;
  private readonly storage: Float32Array;
  private startSampleValue: number;
  private endSampleValue: number;

  constructor(capacitySamples: number, firstSample = 0) {
    if (!Number.isSafeInteger(capacitySamples) || capacitySamples <= 0) {
      throw new RangeError(`capacitySamples must be a positive integer, got ${capacitySamples}`);
    }
    if (!Number.isSafeInteger(firstSample) || firstSample < 0) {
      throw new RangeError(`firstSample must be a non-negative integer, got ${firstSample}`);
    }
    this.capacitySamples = capacitySamples;
    this.storage = new Float32Array(capacitySamples);
    this.startSampleValue = firstSample;
    this.endSampleValue = firstSample;
  }

  /** Absolute index of the oldest retained sample; never decreases. */
  get startSample(): number {
    return this.startSampleValue;
  }

  /** Absolute index one past the newest sample; equals the number of samples ever appended (plus firstSample). */
  get endSample(): number {
    return this.endSampleValue;
  }

  /** Number of retained samples. */
  get sizeSamples(): number {
    return this.endSampleValue - this.startSampleValue;
  }

  /** Number of samples that can be appended before the buffer is full. */
  get freeSamples(): number {
    return this.capacitySamples - this.sizeSamples;
  }

  /**
   * Appends samples at `endSample`. Throws an ApiError (413, `audio_buffer_full`) and appends nothing when
   * the samples do not fit: the reader has fallen behind the writer by more than the capacity.
   */
  append(samples: Float32Array): void {
    if (samples.length > this.freeSamples) {
      throw new ApiError(413, `Audio buffer full: ${samples.length} samples do not fit in ${this.freeSamples} free.`, {
        code: 'audio_buffer_full',
      });
    }
    let offset = 0;
    while (offset < samples.length) {
      const position = (this.endSampleValue + offset) % this.capacitySamples;
      const count = Math.min(samples.length - offset, this.capacitySamples - position);
      this.storage.set(samples.subarray(offset, offset + count), position);
      offset += count;
    }
    this.endSampleValue += samples.length;
  }

  /**
   * Copies the samples `[startSample, endSample)` into `out` (from index 0) or into a new array.
   * The range must lie within the retained range; a RangeError is a caller bug.
   */
  read(startSample: number, endSample: number, out?: Float32Array): Float32Array {
    if (startSample < this.startSampleValue || endSample > this.endSampleValue || startSample > endSample) {
      throw new RangeError(
        `read [${startSample}, ${endSample}) outside retained [${this.startSampleValue}, ${this.endSampleValue})`,
      );
    }
    const length = endSample - startSample;
    const target = out ?? new Float32Array(length);
    if (target.length < length) throw new RangeError(`output holds ${target.length} samples, ${length} needed`);
    let offset = 0;
    while (offset < length) {
      const position = (startSample + offset) % this.capacitySamples;
      const count = Math.min(length - offset, this.capacitySamples - position);
      target.set(this.storage.subarray(position, position + count), offset);
      offset += count;
    }
    return target;
  }

  /**
   * Forgets every sample before `sample` (clamped to `endSample`). Indices below `startSample` are a no-op,
   * so `startSample` never moves backwards.
   */
  discardBefore(sample: number): void {
    const target = Math.min(Math.floor(sample), this.endSampleValue);
    if (target > this.startSampleValue) this.startSampleValue = target;
  }
}
