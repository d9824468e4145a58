import { transducerGreedyDecode, type TransducerStepper } from './transducer-greedy-decoder';

/**
 * A scripted stepper: the joiner's best token depends on the frame's first value and on how many tokens
 * the decoder has seen, so the test checks both the frame walk and the context updates.
 */
function scripted(plan: number[][], vocab = 5): TransducerStepper & { contexts: bigint[][] } {
  const contexts: bigint[][] = [];
  return {
    contextSize: 2,
    blankId: 0,
    unkId: 1,
    contexts,
    async runDecoder(context) {
      contexts.push(Array.from(context));
      return Float32Array.of(contexts.length - 1); // number of tokens emitted so far
    },
    async runJoiner(frame, decoderOut) {
      const t = frame[0];
      const emittedSoFar = decoderOut[0];
      const alreadyInFrame = emittedSoFar - plan.slice(0, t).reduce((n, p) => n + p.length, 0);
      const logits = new Float32Array(vocab);
      logits[plan[t][alreadyInFrame] ?? 0] = 1;
      return logits;
    },
  };
}

function encoder(numFrames: number): Float32Array {
  return Float32Array.from({ length: numFrames * 2 }, (_, i) => Math.floor(i / 2));
}

describe('transducerGreedyDecode', () => {
  test('emits one token per frame, updating the context', async () => {
    const model = scripted([[3], [], [4], [2]]);
    const tokens = await transducerGreedyDecode(model, encoder(4), 4, 2);
    expect(tokens.map((t) => [t.id, t.startFrame])).toEqual([[3, 0], [4, 2], [2, 3]]);
    expect(model.contexts.map((c) => c.map(Number))).toEqual([[-1, 0], [0, 3], [3, 4], [4, 2]]);
  });

  test('maxSymbolsPerFrame allows several tokens in one frame', async () => {
    const model = scripted([[3, 4], [2]]);
    expect((await transducerGreedyDecode(model, encoder(2), 2, 2, 1)).map((t) => t.id)).toEqual([3]);
    const again = scripted([[3, 4], [2]]);
    expect((await transducerGreedyDecode(again, encoder(2), 2, 2, 3)).map((t) => t.id)).toEqual([3, 4, 2]);
  });

  test('<unk> is treated as blank', async () => {
    const model = scripted([[1]]);
    expect(await transducerGreedyDecode(model, encoder(1), 1, 2)).toEqual([]);
    expect(model.contexts.length).toBe(1); // the prediction network never advanced
  });

  test('all blank gives nothing', async () => {
    expect(await transducerGreedyDecode(scripted([[], [], []]), encoder(3), 3, 2)).toEqual([]);
  });
});
