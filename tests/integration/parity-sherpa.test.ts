import { GREEDY_DECODING } from '../../src/model/decoding';
import { ModelRegistry } from '../../src/model/model-registry';
import { loadModel, recognizeWith, type AcousticModel } from '../../src/model/offline-recognizer';
import { WORD_SPLIT_PAUSE_SEC } from '../../src/model/words';
import { sherpaDecode, sherpaRecognizer, type SherpaRecognizer, type SherpaResult } from '../../scripts/bench/sherpa-reference';
import { spaced, squash } from './helpers/sherpa-text';
import { clipRows, testClips } from './helpers/test-clips';
import { MODELS_DIR } from './helpers/test-server';

/**
 * sherpa's words as the service forms them from the same tokens: a token starting with ▁ or a space begins a
 * word, and so does one after a pause of WORD_SPLIT_PAUSE_SEC (the service's rule for models that emit no
 * boundary across a long silence; sherpa has none). sherpa gives token start times only, so a token is taken
 * to end one encoder frame after it starts: exact for transducers, CTC tokens may last longer.
 */
function sherpaWords(r: SherpaResult, frameSec: number): { text: string; starts: number[] } {
  const words: string[] = [];
  const starts: number[] = [];
  let previousEndSec = -Infinity;
  let wordEnded = true;
  r.tokens.forEach((token, i) => {
    if (token.startsWith('\u2581') || token.startsWith(' ')) wordEnded = true;
    const text = spaced(token).trim();
    if (!text) return;
    if (wordEnded || r.timestamps[i] - previousEndSec >= WORD_SPLIT_PAUSE_SEC - 1e-6) {
      words.push(text);
      starts.push(r.timestamps[i]);
    } else words[words.length - 1] += text;
    wordEnded = spaced(token).endsWith(' ');
    previousEndSec = r.timestamps[i] + frameSec;
  });
  return { text: squash(words.join(' ')), starts };
}

/** 16 kHz test clips: the speech fixture, and the model test data if present. */
const clips = () => testClips({ withSpeechFixture: true });

/**
 * Parity with an independent implementation: every embedded model, loaded by sherpa-onnx-node from the same
 * files, transcribes every test clip to the same text, with the same word start times, as our pipeline.
 */
describe('parity with sherpa-onnx-node', () => {
  // Every model as it runs in fp32, and its int8 variant where the folder has one.
  const fp32 = ModelRegistry.scan(MODELS_DIR).registry.entries;
  const int8 = ModelRegistry.scan(MODELS_DIR, { precision: 'int8' }).registry.entries.filter(
    (e) => JSON.stringify(e.layout) !== JSON.stringify(fp32.find((f) => f.id === e.id)?.layout),
  );
  const variants = [...fp32.map((e) => [e.id, e.layout] as const), ...int8.map((e) => [`${e.id} (int8)`, e.layout] as const)];
  const audio = clips();

  test('the embedded models come with int8 variants, which are checked too', () => {
    expect(int8.map((e) => e.id).sort()).toEqual(fp32.map((e) => e.id).sort());
  });

  describe.each(variants)('model %s', (_id, layout) => {
    let ours: AcousticModel;
    let theirs: SherpaRecognizer;
    beforeAll(async () => {
      ours = await loadModel(layout, { executionProvider: 'cpu', threads: 1 }, GREEDY_DECODING);
      theirs = sherpaRecognizer(layout);
    });

    test.each(clipRows(audio))('%s: same text and word times', async (_name, samples) => {
      const mine = await recognizeWith(ours, samples);
      const result = sherpaDecode(theirs, samples);
      const { text, starts } = sherpaWords(result, ours.frameSec);
      expect(squash(result.text).replace(/ /g, '')).toBe(mine.text.replace(/ /g, '')); // the same characters
      expect(mine.text).toBe(text);
      expect(mine.words.length).toBe(starts.length);
      mine.words.forEach((w, i) => expect(w.startSec).toBeCloseTo(starts[i], 3));
    });
  });
});
