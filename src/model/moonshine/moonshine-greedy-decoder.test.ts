import { argmaxLogProb, moonshineGreedyDecode, moonshineMaxTokens, type MoonshineStepper } from './moonshine-greedy-decoder';

const END = 2;
const VOCAB = 6;
const onehot = (id: number) => Float32Array.from({ length: VOCAB }, (_, j) => (j === id ? 5 : 0));

/** A decoder that says `script` one token per step, recording what it is fed. */
function scripted(script: number[]): MoonshineStepper & { fed: [number, number][] } {
  let step = 0;
  const fed: [number, number][] = [];
  return {
    fed,
    start: async () => onehot(script[step++] ?? END),
    next: async (token, seqLen) => {
      fed.push([token, seqLen]);
      return onehot(script[step++] ?? END);
    },
  };
}

describe('moonshineMaxTokens', () => {
  test.each([
    [41, 6, 5], // 41 × 384 / 16000 × 6 = 5.9 → 5
    [0, 6, 0],
    [125, 6, 18], // 3 s
    [125, 15, 45],
  ])('%i frames at %i tokens/s: %i tokens', (frames, perSec, expected) => {
    expect(moonshineMaxTokens(frames, perSec)).toBe(expected);
  });
});

describe('argmaxLogProb', () => {
  test('the first of equal maxima, with its log-softmax', () => {
    const r = argmaxLogProb(Float32Array.of(0, 3, 3, 1));
    expect(r.id).toBe(1);
    const expected = 3 - Math.log(Math.exp(0) + 2 * Math.exp(3) + Math.exp(1));
    expect(r.logProb).toBeCloseTo(expected, 6);
  });
});

describe('moonshineGreedyDecode', () => {
  test('stops at the end token, which is not emitted; feeds each token with the length so far', async () => {
    const stepper = scripted([4, 5, END]);
    const r = await moonshineGreedyDecode(stepper, 10, END);
    expect(r.ids).toEqual([4, 5]);
    expect(r.logProbs[0]).toBeCloseTo(-Math.log(1 + 5 * Math.exp(-5)), 6);
    expect(stepper.fed).toEqual([
      [4, 2],
      [5, 3],
    ]);
  });

  test('stops after maxTokens without an end token', async () => {
    const stepper = scripted([3, 3, 3, 3, 3]);
    expect((await moonshineGreedyDecode(stepper, 3, END)).ids).toEqual([3, 3, 3]);
    expect(stepper.fed).toHaveLength(2);
  });

  test('no room for a token: nothing is run', async () => {
    const stepper = scripted([3]);
    expect(await moonshineGreedyDecode(stepper, 0, END)).toEqual({ ids: [], logProbs: [] });
  });
});
