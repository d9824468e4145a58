import path from 'node:path';
import { detectModelLayout, type ModelLayout } from '../../src/model/model-layout';
import { loadModel, recognizeWith, type AcousticModel } from '../../src/model/offline-recognizer';
import { sherpaDecode, sherpaRecognizer, type SherpaRecognizer, type SherpaResult, type SherpaWhisperOptions } from '../../scripts/bench/sherpa-reference';
import { clipRows, testClips } from './helpers/test-clips';
import { MODELS_DIR } from './helpers/test-server';

/** The tiny multilingual Whisper committed in sherpa-onnx's layout (scripts/model/export_tiny_whisper.py). */
const WHISPER_TESTDATA_DIR = process.env.WHISPER_TEST_DIR ?? path.join(MODELS_DIR, 'testdata', 'layouts', 'whisper');

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The model test data's clips (16 kHz), in name order, as `test.each` rows. */
const clips = clipRows(testClips());

/**
 * Parity with sherpa-onnx-node 1.13.8's Whisper (its `whisper: {encoder, decoder, language, task}` config, the
 * default tail padding): the same folder decoded by both gives the same text and the same language, for
 * detection and a set language, transcription and translation.
 */
describe('Whisper parity with sherpa-onnx-node', () => {
  const layout = detectModelLayout(WHISPER_TESTDATA_DIR) as ModelLayout;
  let ours: AcousticModel;
  const texts = new Map<string, string[]>();

  beforeAll(async () => {
    ours = await loadModel(layout, { executionProvider: 'cpu', threads: 1 });
  });

  test('the folder is detected as a multilingual Whisper', () => {
    expect(layout).toMatchObject({ kind: 'whisper', languageCodes: ['en', 'zh', 'de', 'es', 'ru', 'ko', 'fr', 'ja'] });
  });

  const cases: [string, SherpaWhisperOptions][] = [
    ['transcribe, language detected', { task: 'transcribe' }],
    ['translate, language detected', { task: 'translate' }],
    ['transcribe in de', { language: 'de', task: 'transcribe' }],
    ['translate from fr', { language: 'fr', task: 'translate' }],
  ];
  describe.each(cases)('%s', (name, options) => {
    let theirs: SherpaRecognizer;
    beforeAll(() => {
      theirs = sherpaRecognizer(layout, options);
    });

    test.each(clips)('%s: same text and language', async (_clip, samples) => {
      const reference = sherpaDecode(theirs, samples) as SherpaResult & { lang: string };
      const mine = await recognizeWith(ours, samples, { language: options.language, task: options.task });
      expect(mine.text).toBe(squash(reference.text));
      expect(mine.language).toBe(reference.lang);
      texts.set(name, [...(texts.get(name) ?? []), mine.text]);
    });
  });

  test('the outputs are not trivial: non-empty, and the audio, the task and the language change them', () => {
    const all = [...texts.values()].flat();
    expect(all.length).toBe(cases.length * clips.length);
    expect(all.every((t) => t.length > 0)).toBe(true);
    expect(texts.get('translate, language detected')).not.toEqual(texts.get('transcribe, language detected'));
    expect(texts.get('transcribe in de')).not.toEqual(texts.get('transcribe, language detected'));
    expect(new Set(texts.get('transcribe, language detected')).size).toBeGreaterThan(1);
  });

  test('an utterance longer than the 30 s window is decoded in 29 s pieces (sherpa-onnx keeps the first 29.5 s)', async () => {
    const [, clip] = clips[0];
    const long = new Float32Array(16000 * 35);
    long.set(clip, 0);
    long.set(clip, 16000 * 30);
    const whole = await recognizeWith(ours, long);
    const first = await recognizeWith(ours, long.subarray(0, 16000 * 29));
    expect(whole.words.length).toBeGreaterThan(first.words.length);
    expect(whole.words.slice(0, first.words.length)).toEqual(first.words);
    expect(whole.words[first.words.length].startSec).toBe(29);
    expect(whole.words.at(-1)!.endSec).toBe(35);
  });
});
