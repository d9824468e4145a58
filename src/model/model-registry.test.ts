import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../errors';
import { DEFAULT_MODEL_FILE, ModelRegistry } from './model-registry';

/** A models directory laid out on disk (file contents do not matter to the scan). */
function modelsDir(layout: Record<string, string[]>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'stt-models-'));
  for (const [folder, files] of Object.entries(layout)) {
    mkdirSync(path.join(root, folder));
    for (const f of files) writeFileSync(path.join(root, folder, f), 'x');
  }
  return root;
}

describe('ModelRegistry.scan', () => {
  const dir = modelsDir({
    'b-ctc': ['model.onnx', 'model.int8.onnx', 'tokens.txt', 'lm.arpa.gz', 'lm.json'],
    'a-zipformer': ['encoder-epoch-99.int8.onnx', 'encoder-epoch-99.onnx', 'decoder-epoch-99.onnx', 'joiner-epoch-99.onnx', 'tokens.txt', 'lm.arpa'],
    'c-int8-only': ['model.int8.onnx', 'tokens.txt'],
    'no-tokens': ['model.onnx'],
    testdata: ['clip.wav', 'transcripts.json'],
  });

  test('recognizes both layouts, prefers fp32 files, and reports what it skipped', () => {
    const { registry, skipped } = ModelRegistry.scan(dir);
    expect(registry.entries.map((e) => [e.id, e.layout.kind])).toEqual([
      ['a-zipformer', 'transducer'],
      ['b-ctc', 'nemo-ctc'],
      ['c-int8-only', 'nemo-ctc'],
    ]);
    const zip = registry.resolve('a-zipformer').layout;
    expect(zip.kind === 'transducer' && path.basename(zip.encoderPath)).toBe('encoder-epoch-99.onnx');
    const ctc = registry.resolve('b-ctc').layout;
    expect(ctc.kind === 'nemo-ctc' && path.basename(ctc.modelPath)).toBe('model.onnx');
    expect(skipped.map((s) => [path.basename(s.dir), s.reason])).toEqual([['no-tokens', 'no tokens.txt']]);
  });

  test('MODEL_PRECISION=int8 runs the int8 files where a folder has both, the only files elsewhere', () => {
    const { registry } = ModelRegistry.scan(dir, { precision: 'int8' });
    const zip = registry.resolve('a-zipformer').layout;
    expect(zip.kind === 'transducer' && [zip.encoderPath, zip.decoderPath].map((p) => path.basename(p))).toEqual(['encoder-epoch-99.int8.onnx', 'decoder-epoch-99.onnx']);
    const ctc = registry.resolve('b-ctc').layout;
    expect(ctc.kind === 'nemo-ctc' && path.basename(ctc.modelPath)).toBe('model.int8.onnx');
    const only = registry.resolve('c-int8-only').layout;
    expect(only.kind === 'nemo-ctc' && path.basename(only.modelPath)).toBe('model.int8.onnx');
  });

  test('finds a folder\'s LM and its weights', () => {
    const { registry } = ModelRegistry.scan(dir);
    const ctc = registry.resolve('b-ctc').layout;
    expect([ctc.lmPath, ctc.lmWeightsPath].map((p) => p && path.basename(p))).toEqual(['lm.arpa.gz', 'lm.json']);
    const zip = registry.resolve('a-zipformer').layout;
    expect([zip.lmPath, zip.lmWeightsPath].map((p) => p && path.basename(p))).toEqual(['lm.arpa', undefined]);
    expect(registry.resolve('c-int8-only').layout.lmPath).toBeUndefined();
  });

  test('default model: configured, else the first id; OpenAI names and custom aliases resolve to models', () => {
    const { registry } = ModelRegistry.scan(dir, { defaultModel: 'b-ctc', aliases: { fast: 'c-int8-only' } });
    expect(registry.resolve(undefined).id).toBe('b-ctc');
    expect(registry.resolve('').id).toBe('b-ctc');
    expect(registry.resolve('whisper-1').id).toBe('b-ctc');
    expect(registry.resolve('gpt-4o-transcribe').id).toBe('b-ctc');
    expect(registry.resolve('fast').id).toBe('c-int8-only');
    expect(ModelRegistry.scan(dir).registry.defaultId).toBe('a-zipformer');
  });

  test('a models folder may name its default in default-model.txt; DEFAULT_MODEL still wins', () => {
    writeFileSync(path.join(dir, DEFAULT_MODEL_FILE), 'b-ctc\n');
    try {
      expect(ModelRegistry.scan(dir).registry.defaultId).toBe('b-ctc');
      expect(ModelRegistry.scan(dir, { defaultModel: 'c-int8-only' }).registry.defaultId).toBe('c-int8-only');
      writeFileSync(path.join(dir, DEFAULT_MODEL_FILE), 'gone');
      expect(() => ModelRegistry.scan(dir)).toThrow(/default model "gone" .* is not among the models/);
    } finally {
      rmSync(path.join(dir, DEFAULT_MODEL_FILE));
    }
  });

  test('an unknown model is a 404 naming the parameter', () => {
    const { registry } = ModelRegistry.scan(dir);
    try {
      registry.resolve('nope');
      throw new Error('expected a 404');
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ status: 404, param: 'model', code: 'model_not_found' });
    }
  });

  test('a model added while serving (POST /v1/models/{id}) resolves and is listed; an id cannot be added twice', () => {
    const { registry } = ModelRegistry.scan(dir);
    const layout = registry.resolve('b-ctc').layout;
    expect(registry.has('pulled')).toBe(false);
    registry.add({ id: 'pulled', layout, createdSec: 1 });
    expect(registry.has('pulled')).toBe(true);
    expect(registry.resolve('pulled')).toEqual({ id: 'pulled', layout, createdSec: 1 });
    expect(registry.entries.map((e) => e.id)).toContain('pulled');
    expect(registry.has('whisper-1')).toBe(false);
    expect(() => registry.add({ id: 'b-ctc', layout, createdSec: 1 })).toThrow(/already registered/);
  });

  test.each([
    [{ defaultModel: 'missing' }, /default model "missing" \(DEFAULT_MODEL/],
    [{ aliases: { x: 'missing' } }, /MODEL_ALIASES maps "x"/],
  ])('bad configuration %j is refused at startup', (options, message) => {
    expect(() => ModelRegistry.scan(dir, options)).toThrow(message);
  });

  test('a directory without models is refused with the reasons', () => {
    expect(() => ModelRegistry.scan(modelsDir({ empty: ['readme.md'], broken: ['model.onnx'] }))).toThrow(/no models found.*broken \(no tokens.txt\)/);
  });
});
