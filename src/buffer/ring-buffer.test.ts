import { ApiError } from '../errors';
import { RingBuffer } from './ring-buffer';

function ramp(from: number, count: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => from + i);
}

describe('RingBuffer', () => {
  test('starts empty at the first sample', () => {
    const buffer = new RingBuffer(8, 100);
    expect([buffer.startSample, buffer.endSample, buffer.sizeSamples, buffer.freeSamples]).toEqual([100, 100, 0, 8]);
  });

  test.each([[0], [-1], [1.5], [Number.NaN]])('rejects capacity %p', (capacity) => {
    expect(() => new RingBuffer(capacity)).toThrow(RangeError);
  });

  test('reads back appended samples by absolute index across many wraps', () => {
    const buffer = new RingBuffer(7);
    let next = 0;
    for (let round = 0; round < 20; round++) {
      const count = (round % 4) + 1;
      buffer.append(ramp(next, count));
      next += count;
      buffer.discardBefore(next - 3);
      const start = Math.max(0, next - 3);
      expect(Array.from(buffer.read(start, next))).toEqual(Array.from(ramp(start, next - start)));
    }
    expect(buffer.endSample).toBe(next);
    expect(buffer.startSample).toBe(next - 3);
  });

  test.each([
    ['before the retained range', 3, 6],
    ['past the end', 5, 11],
    ['reversed', 8, 7],
  ])('read %s is a RangeError', (_label, start, end) => {
    const buffer = new RingBuffer(8);
    buffer.append(ramp(0, 10 - 2));
    buffer.discardBefore(4);
    buffer.append(ramp(8, 2));
    expect(() => buffer.read(start, end)).toThrow(RangeError);
  });

  test('read fills a caller-provided array from index 0 and returns it', () => {
    const buffer = new RingBuffer(4);
    buffer.append(ramp(0, 4));
    buffer.discardBefore(2);
    buffer.append(ramp(4, 2));
    const out = new Float32Array(6).fill(-1);
    expect(buffer.read(3, 6, out)).toBe(out);
    expect(Array.from(out)).toEqual([3, 4, 5, -1, -1, -1]);
    expect(() => buffer.read(2, 6, new Float32Array(3))).toThrow(RangeError);
  });

  test('empty reads are allowed at either end', () => {
    const buffer = new RingBuffer(4, 10);
    buffer.append(ramp(10, 3));
    expect(buffer.read(10, 10).length).toBe(0);
    expect(buffer.read(13, 13).length).toBe(0);
  });

  test('a writer that outruns the bound gets a capacity ApiError and nothing is appended', () => {
    const buffer = new RingBuffer(4);
    buffer.append(ramp(0, 3));
    let caught: unknown;
    try {
      buffer.append(ramp(3, 2));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).code).toBe('audio_buffer_full');
    expect(buffer.endSample).toBe(3);
    buffer.discardBefore(1);
    buffer.append(ramp(3, 2));
    expect(Array.from(buffer.read(1, 5))).toEqual([1, 2, 3, 4]);
  });

  test.each([
    ['below start is a no-op', 2, 3],
    ['fractional indices round down', 4.7, 4],
    ['past the end clamps to the end', 99, 6],
  ])('discardBefore: %s', (_label, sample, expectedStart) => {
    const buffer = new RingBuffer(8);
    buffer.append(ramp(0, 6));
    buffer.discardBefore(3);
    buffer.discardBefore(sample);
    expect(buffer.startSample).toBe(expectedStart);
  });
});
