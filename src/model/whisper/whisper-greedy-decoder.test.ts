import { argmax, whisperGreedyDecode, type WhisperDecoderRunner } from './whisper-greedy-decoder';
import type { WhisperModelMeta } from './whisper-model-meta';

const meta: WhisperModelMeta = {
  nMels: 80,
  nTextLayer: 1,
  nTextCtx: 448,
  nTextState: 4,
  nVocab: 20,
  sot: 10,
  eot: 9,
  translate: 14,
  transcribe: 15,
  noTimestamps: 16,
  isMultilingual: true,
  sotSequence: [10, 11, 15],
  languageTokens: [11, 12, 13],
  languageCodes: ['en', 'de', 'fr'],
};

/** A decoder whose next token is `next(history)`; it records each pass's runs. */
function scripted(next: (history: number[]) => number): { runner: WhisperDecoderRunner; passes: number[][][] } {
  const passes: number[][][] = [];
  return {
    passes,
    runner: {
      begin() {
        const history: number[] = [];
        const runs: number[][] = [];
        passes.push(runs);
        return {
          get offset() {
            return history.length;
          },
          async run(tokens) {
            runs.push([...tokens]);
            history.push(...tokens);
            const logits = new Float32Array(meta.nVocab).fill(-5);
            logits[next(history)] = 5;
            return logits;
          },
        };
      },
    },
  };
}

describe('whisperGreedyDecode', () => {
  test('detects the language in a pass of its own ([sot] alone), then decodes [sot, lang, task, notimestamps] until eot', async () => {
    const { runner, passes } = scripted((h) => (h.length === 1 ? 12 : h.length < 7 ? h.length : meta.eot));
    const r = await whisperGreedyDecode(runner, meta, { numFeatureFrames: 300 });
    expect(passes[0]).toEqual([[10]]);
    expect(passes[1]).toEqual([[10, 12, 15, 16], [4], [5], [6]]);
    expect(r.tokens).toEqual([4, 5, 6]);
    expect(r.language).toBe('de');
    expect(r.logProbs.every((p) => p < 0 && p > -0.01)).toBe(true);
  });

  test('a given language and the translate task go into the prompt; no detection pass', async () => {
    const { runner, passes } = scripted(() => meta.eot);
    const r = await whisperGreedyDecode(runner, meta, { language: 'fr', task: 'translate', numFeatureFrames: 300 });
    expect(passes).toEqual([[[10, 13, 14, 16]]]);
    expect(r).toEqual({ tokens: [], logProbs: [], language: 'fr' });
  });

  test('at most 6 tokens per second of features, and an unknown language is an error', async () => {
    const { runner } = scripted(() => 3);
    expect((await whisperGreedyDecode(runner, meta, { language: 'en', numFeatureFrames: 250 })).tokens).toHaveLength(15);
    await expect(whisperGreedyDecode(runner, meta, { language: 'xx', numFeatureFrames: 250 })).rejects.toThrow('xx');
  });

  test('stops when the offset reaches n_text_ctx - 1', async () => {
    const { runner } = scripted(() => 3);
    const r = await whisperGreedyDecode(runner, { ...meta, nTextCtx: 8 }, { language: 'en', numFeatureFrames: 3000 });
    // the prompt leaves the offset at 4; each token run adds one; the third makes it 7 = n_text_ctx - 1 (the cap is 4)
    expect(r.tokens).toHaveLength(3);
  });

  test('English-only models: [sot, notimestamps], no language', async () => {
    const { runner, passes } = scripted(() => meta.eot);
    const r = await whisperGreedyDecode(runner, { ...meta, isMultilingual: false, sotSequence: [10], languageTokens: [], languageCodes: [] }, { language: 'de', task: 'translate', numFeatureFrames: 100 });
    expect(passes).toEqual([[[10, 16]]]);
    expect(r.language).toBeUndefined();
  });

  test('argmax takes the first of equal values, as std::max_element', () => {
    expect(argmax(Float32Array.of(1, 3, 3, 2))).toBe(1);
    expect(argmax(Float32Array.of(1, 3, 3, 2), [3, 2, 1])).toBe(2);
  });
});
