import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectModelLayout } from '../model-layout';

const TESTDATA = path.join(__dirname, '..', '..', '..', 'models', 'testdata', 'layouts', 'whisper');

/** Bytes our metadata reader takes for an ONNX file: only ModelProto's metadata_props (field 14) entries. */
function metadataOnly(meta: Record<string, string>): Buffer {
  const field = (tag: number, bytes: Buffer) => Buffer.concat([Buffer.from([tag, bytes.length]), bytes]);
  return Buffer.concat(Object.entries(meta).map(([k, v]) => field(0x72, Buffer.concat([field(0x0a, Buffer.from(k)), field(0x12, Buffer.from(v))]))));
}

function folder(files: Record<string, Buffer | string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'whisper-layout-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

const whisperMeta = { sot_sequence: '50257', n_text_ctx: '448', is_multilingual: '0' };

describe('the Whisper layout', () => {
  test('the tiny multilingual test model: its files and its language codes', () => {
    expect(detectModelLayout(TESTDATA)).toEqual({
      kind: 'whisper',
      dir: TESTDATA,
      encoderPath: path.join(TESTDATA, 'tiny-testdata-encoder.onnx'),
      decoderPath: path.join(TESTDATA, 'tiny-testdata-decoder.onnx'),
      tokensPath: path.join(TESTDATA, 'tiny-testdata-tokens.txt'),
      languageCodes: ['en', 'zh', 'de', 'es', 'ru', 'ko', 'fr', 'ja'],
    });
  });

  test('a .en model as sherpa-onnx publishes it (fp32 and int8): English only; precision picks the files', () => {
    const dir = folder({
      'tiny.en-encoder.onnx': metadataOnly(whisperMeta),
      'tiny.en-encoder.int8.onnx': metadataOnly(whisperMeta),
      'tiny.en-decoder.onnx': 'x',
      'tiny.en-decoder.int8.onnx': 'x',
      'tiny.en-tokens.txt': 'IQ== 0\n',
    });
    expect(detectModelLayout(dir)).toMatchObject({ kind: 'whisper', encoderPath: path.join(dir, 'tiny.en-encoder.onnx'), decoderPath: path.join(dir, 'tiny.en-decoder.onnx'), languageCodes: [] });
    expect(detectModelLayout(dir, 'int8')).toMatchObject({ encoderPath: path.join(dir, 'tiny.en-encoder.int8.onnx'), decoderPath: path.join(dir, 'tiny.en-decoder.int8.onnx') });
  });

  test('near misses are not Whisper: no Whisper metadata, no decoder, no tokens', () => {
    const kind = (files: Record<string, Buffer | string>) => (detectModelLayout(folder(files)) as { kind?: string }).kind;
    expect(kind({ 'encoder.onnx': metadataOnly({ model_type: 'zipformer2' }), 'decoder.onnx': 'x', 'tokens.txt': '<blk> 0\n' })).not.toBe('whisper');
    expect(kind({ 'a-encoder.onnx': metadataOnly(whisperMeta), 'a-tokens.txt': 'IQ== 0\n' })).toBeUndefined();
    expect(kind({ 'a-encoder.onnx': metadataOnly(whisperMeta), 'a-decoder.onnx': 'x' })).toBeUndefined();
  });
});
