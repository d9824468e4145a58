import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectModelLayout, type ModelLayout, type ModelPrecision } from '../model-layout';
import { checkLanguage } from '../supported-languages';
import { moonshineLanguage } from './moonshine-layout';

/** A folder holding empty files of these names. */
function folder(files: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'moonshine-layout-'));
  for (const f of files) writeFileSync(path.join(dir, f), '');
  return dir;
}

const V1_INT8 = ['preprocess.onnx', 'encode.int8.onnx', 'uncached_decode.int8.onnx', 'cached_decode.int8.onnx', 'tokens.txt'];

describe('Moonshine layouts', () => {
  test.each(['fp32', 'int8'] as ModelPrecision[])('the published v1 int8 folder (%s asked): the files it has', (precision) => {
    const dir = folder(V1_INT8);
    expect(detectModelLayout(dir, precision)).toEqual({
      kind: 'moonshine',
      version: 1,
      dir,
      tokensPath: path.join(dir, 'tokens.txt'),
      preprocessorPath: path.join(dir, 'preprocess.onnx'),
      encoderPath: path.join(dir, 'encode.int8.onnx'),
      uncachedDecoderPath: path.join(dir, 'uncached_decode.int8.onnx'),
      cachedDecoderPath: path.join(dir, 'cached_decode.int8.onnx'),
    });
  });

  test('with both precisions, the asked one', () => {
    const dir = folder([...V1_INT8, 'encode.onnx', 'uncached_decode.onnx', 'cached_decode.onnx']);
    expect(detectModelLayout(dir, 'fp32')).toMatchObject({ encoderPath: path.join(dir, 'encode.onnx'), cachedDecoderPath: path.join(dir, 'cached_decode.onnx') });
    expect(detectModelLayout(dir, 'int8')).toMatchObject({ encoderPath: path.join(dir, 'encode.int8.onnx'), cachedDecoderPath: path.join(dir, 'cached_decode.int8.onnx') });
  });

  test('v2: encoder_model and decoder_model_merged, .ort as published', () => {
    const dir = folder(['encoder_model.ort', 'decoder_model_merged.ort', 'tokens.txt']);
    expect(detectModelLayout(dir)).toEqual({
      kind: 'moonshine',
      version: 2,
      dir,
      tokensPath: path.join(dir, 'tokens.txt'),
      encoderPath: path.join(dir, 'encoder_model.ort'),
      mergedDecoderPath: path.join(dir, 'decoder_model_merged.ort'),
      language: 'en',
    });
  });

  test.each([
    ['sherpa-onnx-moonshine-base-zh-2026-02-27', 'zh'],
    ['sherpa-onnx-moonshine-tiny-ja-2026-02-27', 'ja'],
    ['sherpa-onnx-moonshine-tiny-en-2026-02-27', 'en'],
    ['my-moonshine', 'en'],
  ])('v2 folder %s speaks %s', (name, language) => {
    expect(moonshineLanguage(path.join('/models', name))).toBe(language);
  });

  test("the language rule takes a v2 folder's language, and only it; v1 is English", () => {
    const dir = path.join(folder([]), 'sherpa-onnx-moonshine-base-zh-2026-02-27');
    mkdirSync(dir);
    for (const f of ['encoder_model.ort', 'decoder_model_merged.ort', 'tokens.txt']) writeFileSync(path.join(dir, f), '');
    const zh = detectModelLayout(dir) as ModelLayout;
    expect(checkLanguage(zh, 'zh')).toEqual({ ok: true, code: 'zh' });
    expect(checkLanguage(zh, 'en').ok).toBe(false);
    const v1 = detectModelLayout(folder(V1_INT8)) as ModelLayout;
    expect(checkLanguage(v1, 'en-US')).toEqual({ ok: true, code: 'en' });
    expect(checkLanguage(v1, 'zh').ok).toBe(false);
  });

  test.each([
    ['no cached decoder', V1_INT8.filter((f) => !f.startsWith('cached'))],
    ['no tokens', V1_INT8.filter((f) => f !== 'tokens.txt')],
    ['v2 without its decoder', ['encoder_model.onnx', 'tokens.txt']],
  ])('%s: not Moonshine', (_name, files) => {
    const layout = detectModelLayout(folder(files));
    expect('kind' in layout ? layout.kind : undefined).not.toBe('moonshine');
  });

  test('an icefall transducer folder is not taken for Moonshine', () => {
    const layout = detectModelLayout(folder(['encoder.onnx', 'decoder.onnx', 'joiner.onnx', 'tokens.txt']));
    expect(layout).toMatchObject({ kind: 'transducer' });
  });
});
