import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GREEDY_DECODING, resolveDecoding, textScorerFor } from './decoding';
import type { ModelLayout } from './model-layout';
import { TokenTable } from './tokens';

const ARPA = '\\data\\\nngram 1=3\n\\1-grams:\n-99\t<s>\n-0.3\ta\n-0.3\t</s>\n\\end\\\n';
const tokens = new TokenTable(['\u2581', 'a', '<blk>'], 2);

function layoutWith(files: Record<string, string>): ModelLayout {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'decoding-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const has = (f: string) => f in files;
  return {
    kind: 'nemo-ctc',
    dir,
    modelPath: path.join(dir, 'model.onnx'),
    tokensPath: path.join(dir, 'tokens.txt'),
    ...(has('lm.arpa') ? { lmPath: path.join(dir, 'lm.arpa') } : {}),
    ...(has('lm.json') ? { lmWeightsPath: path.join(dir, 'lm.json') } : {}),
  };
}

describe('resolveDecoding', () => {
  test('auto: beam search with the folder\'s LM and its weights; greedy without an LM', () => {
    const withLm = resolveDecoding(layoutWith({ 'lm.arpa': ARPA, 'lm.json': '{"scale": 0.7, "lengthBonus": 1.25}' }), { method: 'auto', beamSize: 6 }, tokens);
    expect(withLm).toMatchObject({ method: 'beam_search', beamSize: 6, lmFile: 'lm.arpa', lmUnit: 'character', lmWeights: { scale: 0.7, lengthBonus: 1.25, unknownWordPenalty: 10 } });
    expect(withLm.lm).toBeDefined();
    expect(resolveDecoding(layoutWith({}), { method: 'auto', beamSize: 6 }, tokens)).toEqual({ method: 'greedy_search', beamSize: 1 });
  });

  test('forced methods, and weights overridden for tuning', () => {
    const layout = layoutWith({ 'lm.arpa': ARPA });
    expect(resolveDecoding(layout, GREEDY_DECODING, tokens).lm).toBeUndefined();
    expect(resolveDecoding(layoutWith({}), { method: 'beam_search', beamSize: 4 }, tokens)).toEqual({ method: 'beam_search', beamSize: 4 });
    expect(resolveDecoding(layout, { method: 'beam_search', beamSize: 4, lmWeights: { scale: 2, lengthBonus: 0, unknownWordPenalty: 3 } }, tokens).lmWeights).toEqual({ scale: 2, lengthBonus: 0, unknownWordPenalty: 3 });
  });

  test('a word-level ARPA file is loaded as a word LM, with its unknown-word penalty from lm.json', () => {
    const words = ['\\data\\', 'ngram 1=3', '\\1-grams:', '-99\t<s>', '-0.5\thello', '-0.5\t</s>', '\\end\\', ''].join('\n');
    const resolved = resolveDecoding(layoutWith({ 'lm.arpa': words, 'lm.json': '{"scale": 0.6, "lengthBonus": 2, "unknownWordPenalty": 12}' }), { method: 'auto', beamSize: 8 }, tokens);
    expect(resolved).toMatchObject({ method: 'beam_search', lmUnit: 'word', lmWeights: { scale: 0.6, lengthBonus: 2, unknownWordPenalty: 12 } });
  });

  test('a bad lm.json or LM file stops loading with a message naming the file', () => {
    expect(() => resolveDecoding(layoutWith({ 'lm.arpa': ARPA, 'lm.json': '{"scale": -1}' }), { method: 'auto', beamSize: 4 }, tokens)).toThrow(/lm\.json: expected/);
    expect(() => resolveDecoding(layoutWith({ 'lm.arpa': 'not arpa' }), { method: 'auto', beamSize: 4 }, tokens)).toThrow(/lm\.arpa: no n-gram sections/);
  });
});

describe('textScorerFor', () => {
  test('hotwords need beam search; without an LM they get a scorer of their own', () => {
    const greedy = resolveDecoding(layoutWith({ 'lm.arpa': ARPA }), GREEDY_DECODING, tokens);
    expect(textScorerFor(greedy, tokens, { prompt: 'alpha' })).toBeUndefined();
    const plainBeam = resolveDecoding(layoutWith({}), { method: 'beam_search', beamSize: 4 }, tokens);
    expect(textScorerFor(plainBeam, tokens, undefined)).toBeUndefined();
    expect(textScorerFor(plainBeam, tokens, { prompt: 'alpha' })).toBeDefined();
    const lmBeam = resolveDecoding(layoutWith({ 'lm.arpa': ARPA }), { method: 'auto', beamSize: 4 }, tokens);
    expect(textScorerFor(lmBeam, tokens, undefined)).toBe(lmBeam.lm);
    expect(textScorerFor(lmBeam, tokens, { prompt: 'alpha' })).not.toBe(lmBeam.lm);
    expect(textScorerFor(lmBeam, tokens, { precedingText: 'a b' })).not.toBe(lmBeam.lm);
    expect(textScorerFor(greedy, tokens, { precedingText: 'a b' })).toBeUndefined();
  });
});
