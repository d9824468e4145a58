import { ctcGreedyDecode } from './ctc-greedy-decoder';

/** One-hot log-prob rows from a best-id-per-frame path. */
function rows(path: number[], vocab: number): Float32Array {
  const out = new Float32Array(path.length * vocab).fill(-10);
  path.forEach((id, t) => (out[t * vocab + id] = 0));
  return out;
}

describe('ctcGreedyDecode', () => {
  const BLANK = 3;
  test.each([
    [[], []],
    [[3, 3, 3], []],
    [[0, 0, 3, 1], [[0, 0, 2], [1, 3, 4]]],
    [[0, 3, 0], [[0, 0, 1], [0, 2, 3]]],
    [[1, 1, 1, 2, 2, 3], [[1, 0, 3], [2, 3, 5]]],
  ])('path %j decodes to [id, startFrame, endFrame] %j', (path, expected) => {
    const tokens = ctcGreedyDecode(rows(path, 4), path.length, 4, BLANK);
    expect(tokens.map((t) => [t.id, t.startFrame, t.endFrame])).toEqual(expected);
  });
});
