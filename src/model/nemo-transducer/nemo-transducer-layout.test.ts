import path from 'node:path';
import { detectModelLayout, type ModelFolder } from '../model-layout';
import { detectNemoTransducer } from './nemo-transducer-layout';

const MODELS = path.join(__dirname, '..', '..', '..', 'models');
const LAYOUTS = path.join(MODELS, 'testdata', 'layouts');

/** A folder of `files` whose encoder carries `encoderMetadata`. */
function folder(files: string[], encoderMetadata: Record<string, string>): ModelFolder {
  return {
    dir: '/m/x',
    files,
    precision: 'fp32',
    pick: (prefix) => files.filter((f) => f.startsWith(prefix) && f.endsWith('.onnx') && !f.includes('.int8.')).sort()[0],
    file: (name) => `/m/x/${name}`,
    metadata: (name) => (name.startsWith('encoder') ? encoderMetadata : {}),
  };
}

const FILES = ['encoder.onnx', 'decoder.onnx', 'joiner.onnx', 'tokens.txt'];

describe('detectNemoTransducer', () => {
  test.each(['EncDecRNNTBPEModel', 'EncDecHybridRNNTCTCBPEModel'])('encoder model_type %s: a NeMo transducer', (modelType) => {
    expect(detectNemoTransducer(folder(FILES, { model_type: modelType }))).toEqual({
      kind: 'nemo-transducer',
      dir: '/m/x',
      encoderPath: '/m/x/encoder.onnx',
      decoderPath: '/m/x/decoder.onnx',
      joinerPath: '/m/x/joiner.onnx',
      tokensPath: '/m/x/tokens.txt',
    });
  });

  test.each([
    ['icefall metadata', FILES, { model_type: 'zipformer2' }],
    ['no metadata', FILES, {}],
    ['a NeMo CTC model', ['model.onnx', 'tokens.txt'], { model_type: 'EncDecCTCModelBPE' }],
    ['no joiner', ['encoder.onnx', 'decoder.onnx', 'tokens.txt'], { model_type: 'EncDecRNNTBPEModel' }],
    ['no tokens.txt', FILES.slice(0, 3), { model_type: 'EncDecRNNTBPEModel' }],
  ])('%s: not this layout', (_name, files, metadata) => {
    expect(detectNemoTransducer(folder(files, metadata))).toBeUndefined();
  });
});

describe('detectModelLayout with NeMo and icefall transducers (same file names)', () => {
  test.each([
    ['nemo-transducer-rnnt', 'nemo-transducer'],
    ['nemo-transducer-tdt', 'nemo-transducer'],
  ])('testdata/layouts/%s is a %s', (dir, kind) => {
    const layout = detectModelLayout(path.join(LAYOUTS, dir));
    expect('kind' in layout && layout.kind).toBe(kind);
  });

  test('the icefall transducer is still a transducer', () => {
    const layout = detectModelLayout(path.join(MODELS, 'icefall-transducer-en-conv-small'));
    expect('kind' in layout && layout.kind).toBe('transducer');
  });

  test('MODEL_PRECISION=int8 picks the .int8.onnx files', () => {
    const layout = detectModelLayout(path.join(LAYOUTS, 'nemo-transducer-tdt'), 'int8');
    expect(layout).toMatchObject({ kind: 'nemo-transducer', encoderPath: expect.stringMatching(/encoder\.int8\.onnx$/), joinerPath: expect.stringMatching(/joiner\.int8\.onnx$/) });
  });
});
