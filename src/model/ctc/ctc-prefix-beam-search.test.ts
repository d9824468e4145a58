import { CharNgramLm } from '../lm/char-ngram-lm';
import { WordNgramLm } from '../lm/word-ngram-lm';
import { LmFusion } from '../lm/lm-fusion';
import { TokenTable } from '../tokens';
import { ctcGreedyDecode } from './ctc-greedy-decoder';
import { ctcPrefixBeamSearch } from './ctc-prefix-beam-search';

/** Rows of natural-log probabilities from rows of probabilities. */
function logRows(rows: number[][]): Float32Array {
  return Float32Array.from(rows.flat(), (p) => Math.log(Math.max(p, 1e-12)));
}

const ids = (tokens: { id: number }[]) => tokens.map((t) => t.id);

describe('ctcPrefixBeamSearch', () => {
  // vocab: 0 = a, 1 = b, 2 = blank
  const BLANK = 2;

  test('finds the most probable labeling where the single best path misses it', () => {
    // Best path: blank, blank (0.36). But "a" collects aa + a- + -a = 0.16 + 0.24 + 0.24 = 0.64.
    const lp = logRows([
      [0.4, 0, 0.6],
      [0.4, 0, 0.6],
    ]);
    expect(ids(ctcGreedyDecode(lp, 2, 3, BLANK))).toEqual([]);
    expect(ids(ctcPrefixBeamSearch(lp, 2, 3, BLANK, { beamSize: 4 }))).toEqual([0]);
  });

  test('a repeated token needs a blank between its two copies', () => {
    const merged = logRows([[1, 0, 0], [1, 0, 0]]);
    expect(ids(ctcPrefixBeamSearch(merged, 2, 3, BLANK, { beamSize: 4 }))).toEqual([0]);
    const separated = logRows([[1, 0, 0], [0, 0, 1], [1, 0, 0]]);
    expect(ids(ctcPrefixBeamSearch(separated, 3, 3, BLANK, { beamSize: 4 }))).toEqual([0, 0]);
  });

  test('on confident (peaky) outputs it equals greedy search, token frames included', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const vocab = 6;
    const frames = 60;
    const rows = Array.from({ length: frames }, () => {
      const best = Math.floor(random() * vocab);
      return Array.from({ length: vocab }, (_, v) => (v === best ? 0.97 : 0.03 / (vocab - 1)));
    });
    const lp = logRows(rows);
    const greedy = ctcGreedyDecode(lp, frames, vocab, 5);
    const beam = ctcPrefixBeamSearch(lp, frames, vocab, 5, { beamSize: 8 });
    expect(beam).toEqual(greedy);
  });

  /** Frames spelling "cb" (c barely ahead of a), over the tokens ▁ a b c <blk>. */
  const tokens = new TokenTable(['\u2581', 'a', 'b', 'c', '<blk>'], 4);
  const nearMiss = () =>
    logRows([
      [0, 0.45, 0, 0.55, 0],
      [0, 0, 0, 0, 1],
      [0, 0, 1, 0, 0],
    ]);

  test('a character LM decides between acoustically close spellings', () => {
    // "ab" vs "cb": the acoustics slightly prefer c; the LM has only ever seen "ab".
    const lm = CharNgramLm.parse(`\\data\\
ngram 1=6
ngram 2=3
\\1-grams:
-99\t<s>\t0
-0.7\ta\t0
-0.7\tb\t0
-3.0\tc\t0
-1.0\t▁
-0.7\t</s>
\\2-grams:
-0.05\t<s> a
-0.05\ta b
-0.05\tb </s>
\\end\\
`);
    const lp = nearMiss();
    expect(ids(ctcPrefixBeamSearch(lp, 3, 5, 4, { beamSize: 4 }))).toEqual([3, 2]);
    const fusion = new LmFusion(lm, tokens, { scale: 0.5, lengthBonus: 0, unknownWordPenalty: 0 });
    expect(ids(ctcPrefixBeamSearch(lp, 3, 5, 4, { beamSize: 4, lm: fusion }))).toEqual([1, 2]);
  });

  test('a word LM with lexicon look-ahead turns a near-miss spelling into a vocabulary word', () => {
    const words = WordNgramLm.parse(`\\data\\
ngram 1=4
\\1-grams:
-99\t<s>
-1.0\tab
-1.5\tba
-0.5\t</s>
\\end\\
`);
    const lp = nearMiss();
    const fusion = new LmFusion(words, tokens, { scale: 0.5, lengthBonus: 0, unknownWordPenalty: 5 });
    expect(ids(ctcPrefixBeamSearch(lp, 3, 5, 4, { beamSize: 4, lm: fusion }))).toEqual([1, 2]);
    // Without the penalty the unknown word "cb" costs only the rarest unigram's score, and the acoustics win.
    const lenient = new LmFusion(words, tokens, { scale: 0.05, lengthBonus: 0, unknownWordPenalty: 0 });
    expect(ids(ctcPrefixBeamSearch(lp, 3, 5, 4, { beamSize: 4, lm: lenient }))).toEqual([3, 2]);
  });

  test('word pieces: prefixes spelling the same text are merged, so the text, not one spelling of it, competes', () => {
    // "the" is spelled ▁the (0.3 × 0.6 = 0.18) or ▁th + e (0.3 × 0.4 = 0.12): 0.30 in all, more than "a" (0.4 ×
    // 0.6 = 0.24), although each spelling alone is less.
    const pieces = new TokenTable(['<unk>', '\u2581th', 'e', '\u2581the', '\u2581a', '<blk>'], 5);
    const lp = logRows([
      [0, 0.3, 0, 0.3, 0.4, 0],
      [0, 0, 0.4, 0, 0, 0.6],
    ]);
    expect(ids(ctcPrefixBeamSearch(lp, 2, 6, 5, { beamSize: 4 }))).toEqual([4]);
    const merged = ctcPrefixBeamSearch(lp, 2, 6, 5, { beamSize: 4, spellings: pieces.spellings });
    // The more probable spelling is kept, with its own frames.
    expect(ids(merged)).toEqual([3]);
    expect(merged[0].startFrame).toBe(0);
  });

  test('nothing in, nothing out', () => {
    expect(ctcPrefixBeamSearch(new Float32Array(0), 0, 3, BLANK, { beamSize: 4 })).toEqual([]);
  });
});
