import { CharNgramLm } from '../lm/char-ngram-lm';
import { LmFusion } from '../lm/lm-fusion';
import { TokenTable } from '../tokens';
import { transducerModifiedBeamSearch, type TransducerBeamStepper } from './transducer-beam-search';
import { transducerGreedyDecode } from './transducer-greedy-decoder';

/**
 * A model given as a table: `probs(frame, lastToken)` is the joiner's distribution at a frame after the
 * hypothesis's last token (0 = none yet). The encoder row carries the frame index, the decoder row the last token.
 */
function tabled(probs: (frame: number, last: number) => number[]): TransducerBeamStepper & { runJoiner: (f: Float32Array, n: number, d: Float32Array) => Promise<Float32Array> } {
  const joinRows = (enc: Float32Array, dec: Float32Array, rows: number) => {
    const out: number[] = [];
    for (let i = 0; i < rows; i++) out.push(...probs(enc[i], dec[i]).map((p) => Math.log(Math.max(p, 1e-9))));
    return Float32Array.from(out);
  };
  return {
    contextSize: 2,
    blankId: 0,
    unkId: -1,
    async runDecoder(context: BigInt64Array) {
      return Float32Array.of(Number(context[context.length - 1]));
    },
    async runJoinerPairs(enc: Float32Array, dec: Float32Array, rows: number) {
      return joinRows(enc, dec, rows);
    },
    async runJoiner(frames: Float32Array, numFrames: number, decoderOut: Float32Array) {
      return joinRows(frames, new Float32Array(numFrames).fill(decoderOut[0]), numFrames);
    },
  };
}

const frames = (n: number) => Float32Array.from({ length: n }, (_, i) => i);
const ids = (tokens: { id: number }[]) => tokens.map((t) => t.id);

describe('transducerModifiedBeamSearch', () => {
  test('merges the alignments of one output: the most probable text wins over the most probable path', async () => {
    // vocab: 0 blank, 1 a, 2 b. Best path: b then blank (0.36). But "a" = a·blank + blank·a = 0.315 + 0.15.
    const model = tabled((t, last) => (t === 0 ? [0.25, 0.35, 0.4] : last === 0 ? [0.3, 0.6, 0.1] : [0.9, 0.05, 0.05]));
    expect(ids(await transducerGreedyDecode(model, frames(2), 2, 1))).toEqual([2]);
    const tokens = await transducerModifiedBeamSearch(model, frames(2), 2, 1, { beamSize: 3 });
    expect(ids(tokens)).toEqual([1]);
    expect(tokens[0].startFrame).toBe(0);
  });

  test('with one hypothesis it is greedy search (one symbol per frame)', async () => {
    const model = tabled((t, last) => {
      const p = [0.5, 0.2, 0.2, 0.1];
      const best = (t * 7 + last * 3) % 4;
      return p.map((_, v) => (v === best ? 0.7 : 0.1));
    });
    const greedy = await transducerGreedyDecode(model, frames(12), 12, 1);
    const beam = await transducerModifiedBeamSearch(model, frames(12), 12, 1, { beamSize: 1 });
    expect(beam.map((t) => [t.id, t.startFrame])).toEqual(greedy.map((t) => [t.id, t.startFrame]));
    expect(beam.length).toBeGreaterThan(3);
  });

  test('a character LM decides between acoustically close tokens', async () => {
    const tokens = new TokenTable(['<blk>', 'a', 'b', '\u2581'], 0);
    const lm = CharNgramLm.parse(`\\data\\
ngram 1=5
\\1-grams:
-99\t<s>
-0.3\ta
-3.0\tb
-1.0\t▁
-0.5\t</s>
\\end\\
`);
    const model = tabled((t, last) => (t === 0 ? [0.1, 0.44, 0.46, 0] : last === 0 ? [1, 0, 0, 0] : [0.98, 0.01, 0.01, 0]));
    expect(ids(await transducerModifiedBeamSearch(model, frames(2), 2, 1, { beamSize: 4 }))).toEqual([2]);
    const fusion = new LmFusion(lm, tokens, { scale: 0.5, lengthBonus: 0, unknownWordPenalty: 0 });
    expect(ids(await transducerModifiedBeamSearch(model, frames(2), 2, 1, { beamSize: 4, lm: fusion }))).toEqual([1]);
  });

  test('nothing in, nothing out', async () => {
    const model = tabled(() => [1, 0, 0]);
    expect(await transducerModifiedBeamSearch(model, new Float32Array(0), 0, 1, { beamSize: 4 })).toEqual([]);
  });
});
