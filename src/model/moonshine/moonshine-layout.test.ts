import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectModelLayout, type ModelPrecision } from '../model-layout';

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
    });
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
