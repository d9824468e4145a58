import type { ModelLayout } from './model-layout';
import { canTranslate, checkLanguage, languageName, modelLanguages, toLanguageCode, transcriptLanguage } from './supported-languages';

const ctc: ModelLayout = { kind: 'nemo-ctc', dir: '/m', modelPath: '/m/model.onnx', tokensPath: '/m/tokens.txt' };
const whisper = (languageCodes: string[]): ModelLayout => ({ kind: 'whisper', dir: '/w', encoderPath: '/w/e.onnx', decoderPath: '/w/d.onnx', tokensPath: '/w/t.txt', languageCodes });

describe('the language rule', () => {
  test.each(['en', 'EN', 'eng', 'english', 'en-GB', 'en_us'])('English-only models take %s', (language) => {
    expect(checkLanguage(ctc, language)).toEqual({ ok: true, code: 'en' });
    expect(checkLanguage(whisper([]), language)).toEqual({ ok: true, code: 'en' });
  });

  test('English-only models refuse other languages, naming what they support', () => {
    const check = checkLanguage(ctc, 'de', 'nemo');
    expect(check).toEqual({ ok: false, message: "Language 'de' is not supported by model 'nemo'; supported: en." });
    expect(modelLanguages(ctc)).toEqual(['en']);
    expect(canTranslate(ctc)).toBe(false);
    expect(canTranslate(whisper([]))).toBe(false);
  });

  test('a multilingual Whisper model takes its codes (region and case dropped, names too), none means detection', () => {
    const m = whisper(['en', 'de', 'fr']);
    expect(checkLanguage(m, 'de')).toEqual({ ok: true, code: 'de' });
    expect(checkLanguage(m, 'DE-at')).toEqual({ ok: true, code: 'de' });
    expect(checkLanguage(m, 'French')).toEqual({ ok: true, code: 'fr' });
    expect(checkLanguage(m, undefined)).toEqual({ ok: true, code: undefined });
    expect(checkLanguage(m, 'xx', 'w')).toEqual({ ok: false, message: "Language 'xx' is not supported by model 'w'; supported: en, de, fr (ISO-639-1 codes)." });
    expect(checkLanguage(m, 'ja').ok).toBe(false);
    expect(canTranslate(m)).toBe(true);
  });

  test('a model whose folder lists its languages (languages.txt: a multilingual Parakeet) takes those codes', () => {
    const parakeet: ModelLayout = { kind: 'nemo-transducer', dir: '/p', encoderPath: '/p/e.onnx', decoderPath: '/p/d.onnx', joinerPath: '/p/j.onnx', tokensPath: '/p/t.txt', languages: ['de', 'en', 'fr'] };
    expect(modelLanguages(parakeet)).toEqual(['de', 'en', 'fr']);
    expect(checkLanguage(parakeet, 'de-AT')).toEqual({ ok: true, code: 'de' });
    expect(checkLanguage(parakeet, 'english')).toEqual({ ok: true, code: 'en' });
    expect(checkLanguage(parakeet, 'ja', 'p').ok).toBe(false);
    expect(checkLanguage({ ...parakeet, languages: ['en'] }, 'en-GB')).toEqual({ ok: true, code: 'en' });
    expect(canTranslate(parakeet)).toBe(false);
  });

  test('codes and names', () => {
    expect(toLanguageCode('pt-BR')).toBe('pt');
    expect(toLanguageCode('german')).toBe('de');
    expect(languageName('de')).toBe('german');
    expect(languageName(undefined)).toBe('english');
    expect(languageName('zz')).toBe('zz');
  });

  test("a transcript's language: asked for or detected, else the model's only one, else unknown", () => {
    expect(transcriptLanguage('de', ['en', 'de'])).toBe('german');
    expect(transcriptLanguage(undefined, ['en'])).toBe('english');
    expect(transcriptLanguage(undefined, ['es'])).toBe('spanish');
    expect(transcriptLanguage(undefined, ['en', 'de', 'fr'])).toBe('unknown');
  });
});
