import { transducerGreedyDecode, type TransducerStepper } from './transducer-greedy-decoder';

/**
 * A scripted stepper: the joiner's best token depends on the frame's first value and on how many tokens
 * the decoder has seen, so the test checks both the frame walk and the context updates.
 */
function scripted(plan: number[][], vocab = 5): TransducerStepper & { contexts: bigint[][]; joinerRuns: number } {
  const contexts: bigint[][] = [];
  const stepper = {
    contextSize: 2,
    blankId: 0,
    unkId: 1,
    contexts,
    joinerRuns: 0,
    async runDecoder(context: BigInt64Array) {
      contexts.push(Array.from(context));
      return Float32Array.of(contexts.length - 1); // number of tokens emitted so far
    },
    async runJoiner(frames: Float32Array, numFrames: number, decoderOut: Float32Array) {
      stepper.joinerRuns++;
      const dim = frames.length / numFrames;
      const logits = new Float32Array(numFrames * vocab);
      for (let j = 0; j < numFrames; j++) {
        const t = frames[j * dim];
        const emittedSoFar = decoderOut[0];
        // Tokens emitted at this frame so far (the plan's earlier frames emit all of theirs).
        const alreadyInFrame = emittedSoFar - plan.slice(0, t).reduce((n, p) => n + p.length, 0);
        logits[j * vocab + (plan[t][alreadyInFrame] ?? 0)] = 1;
      }
      return logits;
    },
  };
  return stepper;
}

/** The same search one frame per joiner run, as sherpa-onnx does it: the reference for the windowed search. */
async function frameByFrame(plan: number[][]): Promise<number[][]> {
  const tokens = await transducerGreedyDecode(scripted(plan), encoder(plan.length), plan.length, 2, 1, 1);
  return tokens.map((t) => [t.id, t.startFrame]);
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

  test('windows of frames give exactly the frame-by-frame result, with fewer joiner runs', async () => {
    const plan = [[], [], [3], [], [], [], [], [], [], [], [4], [2], [], [], [], [], [], [], [], [], [3], []];
    const model = scripted(plan);
    const tokens = await transducerGreedyDecode(model, encoder(plan.length), plan.length, 2);
    expect(tokens.map((t) => [t.id, t.startFrame])).toEqual(await frameByFrame(plan));
    expect(tokens.map((t) => [t.id, t.startFrame])).toEqual([[3, 2], [4, 10], [2, 11], [3, 20]]);
    expect(model.joinerRuns).toBeLessThan(plan.length / 2);
  });

  test('all blank gives nothing', async () => {
    expect(await transducerGreedyDecode(scripted([[], [], []]), encoder(3), 3, 2)).toEqual([]);
  });
});
