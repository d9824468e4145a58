import { GREEDY_DECODING } from '../../src/model/decoding';
import { ModelRegistry } from '../../src/model/model-registry';
import { loadModel, recognizeWith, type AcousticModel } from '../../src/model/offline-recognizer';
import { sherpaDecode, sherpaRecognizer, type SherpaRecognizer, type SherpaResult } from '../../scripts/bench/sherpa-reference';
import { squash } from './helpers/sherpa-text';
import { clipRows, testClips } from './helpers/test-clips';
import { MODELS_DIR } from './helpers/test-server';

/** Word start times from sherpa's token times: a token starting with ▁ or a space begins a word. */
function sherpaWordStarts(r: SherpaResult): number[] {
  const starts: number[] = [];
  let inWord = false;
  r.tokens.forEach((token, i) => {
    const boundary = token.startsWith('\u2581') || token.startsWith(' ');
    const text = token.replace(/^[\u2581 ]+/, '');
    if (boundary) inWord = false;
    if (text && !inWord) {
      starts.push(r.timestamps[i]);
      inWord = true;
    }
  });
  return starts;
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
      expect(mine.text).toBe(squash(result.text));
      const starts = sherpaWordStarts(result);
      expect(mine.words.length).toBe(starts.length);
      mine.words.forEach((w, i) => expect(w.startSec).toBeCloseTo(starts[i], 3));
    });
  });
});
