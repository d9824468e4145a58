import type { TransducerStepper } from '../transducer/transducer-greedy-decoder';
import { emptyGreedyResult, nextSegmentResult, onlineGreedySearch } from './online-transducer-greedy-search';

/**
 * A scripted transducer over 1-dimensional encoder frames: frame value v > 0 means "token v unless the last
 * token already is v", 0 means blank; the decoder output is the context itself (so the joiner can see it).
 */
const VOCAB = 6;
const stepper: TransducerStepper = {
  contextSize: 2,
  blankId: 0,
  unkId: 5,
  runDecoder: async (context) => Float32Array.from(context, Number),
  runJoiner: async (frames, numFrames, decoderOut) => {
    const logits = new Float32Array(numFrames * VOCAB);
    for (let j = 0; j < numFrames; j++) {
      const v = frames[j];
      const best = v > 0 && v !== decoderOut[1] ? v : 0;
      logits[j * VOCAB + best] = 10;
    }
    return logits;
  },
};

const frames = Float32Array.from([0, 1, 1, 0, 2, 2, 5, 3, 0, 0, 4, 1]);

describe('onlineGreedySearch', () => {
  test('decoding chunk by chunk from the carried state equals decoding all frames at once; frames count on across chunks', async () => {
    const whole = emptyGreedyResult(2, 0);
    await onlineGreedySearch(stepper, whole, frames, frames.length, 1);
    expect(whole.emitted.map((t) => [t.id, t.startFrame])).toEqual([[1, 1], [2, 4], [3, 7], [4, 10], [1, 11]]);
    expect(whole.tokens).toEqual([-1, 0, 1, 2, 3, 4, 1]);
    expect(whole.numTrailingBlanks).toBe(0);

    const chunked = emptyGreedyResult(2, 0);
    for (const [start, end] of [[0, 3], [3, 5], [5, 9], [9, 12]]) await onlineGreedySearch(stepper, chunked, frames.subarray(start, end), end - start, 1);
    expect(chunked.emitted).toEqual(whole.emitted);
    expect(chunked.frameOffset).toBe(frames.length);
  });

  test('<unk> is never emitted (counted as blank), as in sherpa-onnx', async () => {
    const result = emptyGreedyResult(2, 0);
    await onlineGreedySearch(stepper, result, Float32Array.from([5, 5, 0]), 3, 1);
    expect(result.emitted).toEqual([]);
    expect(result.numTrailingBlanks).toBe(3);
  });

  test('after an endpoint the decoder continues from the last tokens and frames restart at 0; an empty segment starts afresh', async () => {
    const result = emptyGreedyResult(2, 0);
    await onlineGreedySearch(stepper, result, Float32Array.from([0, 3, 4]), 3, 1);
    const next = nextSegmentResult(result, 2, 0);
    expect(next).toMatchObject({ tokens: [3, 4], emitted: [], decoderOut: null, frameOffset: 0 });
    // The repeated 4 is suppressed because the context carried over.
    await onlineGreedySearch(stepper, next, Float32Array.from([4, 2]), 2, 1);
    expect(next.emitted.map((t) => [t.id, t.startFrame])).toEqual([[2, 1]]);
    expect(nextSegmentResult(emptyGreedyResult(2, 0), 2, 0).tokens).toEqual([-1, 0]);
  });
});
