import type { ModelFolder } from '../model-layout';
import { detectOnlineTransducer } from './online-transducer-layout';
import { parseZipformer2EncoderConfig, zipformer2InitialStates } from './zipformer2-encoder-config';

const STREAMING = {
  model_type: 'zipformer2',
  encoder_dims: '192,256,384,512,384,256',
  query_head_dims: '32,32,32,32,32,32',
  value_head_dims: '12,12,12,12,12,12',
  num_heads: '4,4,4,8,4,4',
  num_encoder_layers: '2,2,3,4,3,2',
  cnn_module_kernels: '31,31,15,15,15,31',
  left_context_len: '128,64,32,16,32,64',
  T: '45',
  decode_chunk_len: '32',
};

function folder(encoderMetadata: Record<string, string>, files = ['encoder-epoch-99-avg-1-chunk-16-left-128.onnx', 'decoder-epoch-99-avg-1-chunk-16-left-128.onnx', 'joiner-epoch-99-avg-1-chunk-16-left-128.onnx', 'tokens.txt']): ModelFolder {
  return {
    dir: '/m',
    files,
    precision: 'fp32',
    pick: (prefix) => files.find((f) => f.startsWith(prefix) && f.endsWith('.onnx')),
    file: (name) => `/m/${name}`,
    metadata: (name) => (name.startsWith('encoder') ? encoderMetadata : {}),
  };
}

describe('streaming Zipformer2 layout', () => {
  test('detected by the encoder metadata of sherpa-onnx-streaming-zipformer-en-2023-06-26', () => {
    expect(detectOnlineTransducer(folder(STREAMING))).toMatchObject({ kind: 'online-transducer', encoderPath: '/m/encoder-epoch-99-avg-1-chunk-16-left-128.onnx', tokensPath: '/m/tokens.txt' });
  });

  test.each([
    ['an offline zipformer2 (no streaming keys)', { model_type: 'zipformer2' }],
    ['a streaming zipformer (v1) model', { ...STREAMING, model_type: 'zipformer' }],
    ['no metadata', {}],
  ])('not for %s: the offline detector (or another) decides', (_name, metadata) => {
    expect(detectOnlineTransducer(folder(metadata))).toBeUndefined();
  });

  test('the caches, as sherpa-onnx builds them: 6 per layer in order, then embed_states and processed_lens', () => {
    const config = parseZipformer2EncoderConfig(STREAMING);
    expect(config).toMatchObject({ chunkFrames: 45, chunkShiftFrames: 32 });
    const states = zipformer2InitialStates(config, 80);
    expect(states.length).toBe(16 * 6 + 2);
    expect(states.slice(0, 6).map((s) => s.dims)).toEqual([
      [128, 1, 128],
      [1, 1, 128, 144],
      [128, 1, 48],
      [128, 1, 48],
      [1, 192, 15],
      [1, 192, 15],
    ]);
    // Layer 9 is in the fourth stack (layers 7-10: 512 dims, 8 heads, left context 16, kernel 15).
    expect(states.slice(9 * 6, 9 * 6 + 6).map((s) => s.dims)).toEqual([[16, 1, 256], [1, 1, 16, 384], [16, 1, 96], [16, 1, 96], [1, 512, 7], [1, 512, 7]]);
    expect(states[96].dims).toEqual([1, 128, 3, 19]);
    expect(states[97]).toMatchObject({ type: 'int64', dims: [1] });
  });

  test('inconsistent metadata is refused with the key named', () => {
    expect(() => parseZipformer2EncoderConfig({ ...STREAMING, num_heads: '4,4' })).toThrow(/num_heads/);
    expect(() => parseZipformer2EncoderConfig({ ...STREAMING, T: 'x' })).toThrow(/"T"/);
  });
});
