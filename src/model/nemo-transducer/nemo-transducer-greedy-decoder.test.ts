import { nemoRnntGreedyDecode, nemoTdtGreedyDecode, RNNT_MAX_SYMBOLS_PER_FRAME, TDT_MAX_TOKENS_PER_FRAME, type NemoTransducerStepper } from './nemo-transducer-greedy-decoder';

const VOCAB = 5; // ids 0..3 are tokens, 4 is the blank
const BLANK = 4;
const DURATIONS = 5;

/**
 * A scripted model: the prediction network's state is the tokens emitted so far, and the joiner's choice at
 * (frame, tokens emitted so far) comes from `script` (blank with duration 1 when absent). Records every call.
 */
function scripted(script: Record<string, [token: number, duration?: number]>, tdt: boolean) {
  const calls: string[] = [];
  const model: NemoTransducerStepper<number[]> = {
    vocabSize: VOCAB,
    blankId: BLANK,
    initialState: () => [],
    runDecoder: async (token, state) => {
      calls.push(`decoder ${token}`);
      const next = token === BLANK && state.length === 0 ? [] : [...state, token];
      return { decoderOut: Float32Array.of(next.length), state: next };
    },
    runJoiner: async (frame, decoderOut) => {
      calls.push(`joiner ${frame}`);
      const [token, duration = 1] = script[`${frame}:${decoderOut[0]}`] ?? [BLANK, 1];
      const logits = new Float32Array(VOCAB + (tdt ? DURATIONS : 0));
      logits[token] = 5;
      if (tdt) logits[VOCAB + duration] = 3;
      return logits;
    },
  };
  return { model, calls };
}

describe('nemoRnntGreedyDecode', () => {
  test('starts the prediction network from blank, emits several tokens on a frame, and times tokens by frame', async () => {
    const { model, calls } = scripted({ '1:0': [2], '1:1': [3], '3:2': [0] }, false);
    const tokens = await nemoRnntGreedyDecode(model, 4);
    expect(tokens.map((t) => [t.id, t.startFrame, t.endFrame])).toEqual([
      [2, 1, 2],
      [3, 1, 2],
      [0, 3, 4],
    ]);
    expect(calls.slice(0, 6)).toEqual(['decoder 4', 'joiner 0', 'joiner 1', 'decoder 2', 'joiner 1', 'decoder 3']);
    expect(tokens[0].logProb).toBeCloseTo(5 - Math.log(Math.exp(5) + 4), 6);
  });

  test(`emits at most ${RNNT_MAX_SYMBOLS_PER_FRAME} tokens on one frame, then moves on`, async () => {
    const script: Record<string, [number]> = {};
    for (let n = 0; n < 20; n++) script[`0:${n}`] = [1];
    const { model } = scripted(script, false);
    const tokens = await nemoRnntGreedyDecode(model, 2);
    expect(tokens).toHaveLength(RNNT_MAX_SYMBOLS_PER_FRAME);
    expect(tokens.every((t) => t.startFrame === 0)).toBe(true);
  });

  test('no frames, no tokens', async () => {
    expect(await nemoRnntGreedyDecode(scripted({}, false).model, 0)).toEqual([]);
  });
});

describe('nemoTdtGreedyDecode', () => {
  test('advances by the chosen duration, and a token spans it', async () => {
    // frame 0 blank for 2 frames; frame 2: token 1 lasting 3 frames; frame 5: token 2 with duration 0 (stays),
    // then token 3 lasting 1; frame 6: blank with duration 0 still advances one frame.
    const { model, calls } = scripted({ '0:0': [BLANK, 2], '2:0': [1, 3], '5:1': [2, 0], '5:2': [3, 1], '6:3': [BLANK, 0] }, true);
    const tokens = await nemoTdtGreedyDecode(model, 8);
    expect(tokens.map((t) => [t.id, t.startFrame, t.endFrame])).toEqual([
      [1, 2, 5],
      [2, 5, 6],
      [3, 5, 6],
    ]);
    expect(calls.filter((c) => c.startsWith('joiner'))).toEqual(['joiner 0', 'joiner 2', 'joiner 5', 'joiner 5', 'joiner 6', 'joiner 7']);
  });

  test(`after ${TDT_MAX_TOKENS_PER_FRAME} tokens without advancing it moves one frame`, async () => {
    const script: Record<string, [number, number]> = {};
    for (let n = 0; n < 12; n++) script[`0:${n}`] = [1, 0];
    const { model } = scripted(script, true);
    const tokens = await nemoTdtGreedyDecode(model, 2);
    expect(tokens.filter((t) => t.startFrame === 0)).toHaveLength(TDT_MAX_TOKENS_PER_FRAME);
  });

  test('a joiner without duration logits is refused', async () => {
    await expect(nemoTdtGreedyDecode(scripted({}, false).model, 3)).rejects.toThrow(/token and duration logits/);
  });
});
