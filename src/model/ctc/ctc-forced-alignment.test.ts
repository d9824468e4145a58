import { ctcForcedAlignment } from './ctc-forced-alignment';

function logRows(rows: number[][]): Float32Array {
  return Float32Array.from(rows.flat(), (p) => Math.log(Math.max(p, 1e-12)));
}

describe('ctcForcedAlignment', () => {
  // vocab: 0 = a, 1 = b, 2 = blank
  test('gives each token the run of frames its most probable path spends on it', () => {
    const lp = logRows([
      [0.1, 0.1, 0.8],
      [0.7, 0.1, 0.2],
      [0.6, 0.1, 0.3],
      [0.1, 0.1, 0.8],
      [0.2, 0.7, 0.1],
    ]);
    const tokens = ctcForcedAlignment(lp, 5, 3, 2, [0, 1])!;
    expect(tokens.map((t) => [t.id, t.startFrame, t.endFrame])).toEqual([
      [0, 1, 3],
      [1, 4, 5],
    ]);
    expect(tokens[0].logProb).toBeCloseTo(Math.log(0.7), 5);
  });

  test('follows the labels even where another token is locally more likely', () => {
    const lp = logRows([
      [0.6, 0.3, 0.1],
      [0.1, 0.1, 0.8],
    ]);
    expect(ctcForcedAlignment(lp, 2, 3, 2, [1])!.map((t) => [t.id, t.startFrame])).toEqual([[1, 0]]);
  });

  test('a doubled token needs a blank between its copies; too few frames cannot spell it', () => {
    const lp = logRows([[0.5, 0, 0.5], [0.5, 0, 0.5], [0.5, 0, 0.5]]);
    expect(ctcForcedAlignment(lp, 3, 3, 2, [0, 0])!.map((t) => [t.startFrame, t.endFrame])).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(ctcForcedAlignment(lp, 2, 3, 2, [0, 0])).toBeUndefined();
    expect(ctcForcedAlignment(lp, 3, 3, 2, [])).toEqual([]);
  });
});
