import { TokenTable } from '../tokens';
import { readNemoTransducerConfig } from './nemo-transducer-config';

const tokens = TokenTable.parse(['<unk> 0', '\u2581a 1', 'b 2', '<blk> 3'].join('\n'));

/** Encoder metadata as sherpa-onnx's scripts/nemo/parakeet-tdt-0.6b-v2/export_onnx.py writes it (scaled down). */
const PARAKEET = {
  vocab_size: '3',
  normalize_type: 'per_feature',
  pred_rnn_layers: '2',
  pred_hidden: '640',
  subsampling_factor: '8',
  model_type: 'EncDecRNNTBPEModel',
  url: 'https://huggingface.co/nvidia/parakeet-tdt-0.6b-v2',
  feat_dim: '128',
};

describe('readNemoTransducerConfig', () => {
  test('a Parakeet TDT export: vocab_size + 1 tokens, blank last, 128 mel bins, TDT from its url', () => {
    expect(readNemoTransducerConfig(PARAKEET, tokens, { joinerOutputDim: 4 + 5 })).toEqual({
      vocabSize: 4,
      blankId: 3,
      subsamplingFactor: 8,
      featureDim: 128,
      normalizeType: 'per_feature',
      layers: 2,
      hidden: 640,
      isTdt: true,
      numDurations: 5,
    });
  });

  test('an RNN-T export without feat_dim: the encoder input width, else 80; "NA" means no normalization', () => {
    const rnnt: Record<string, string> = { ...PARAKEET, url: 'https://catalog.ngc.nvidia.com/orgs/nvidia/teams/nemo/models/stt_en_fastconformer', normalize_type: 'NA' };
    delete rnnt.feat_dim;
    expect(readNemoTransducerConfig(rnnt, tokens, { joinerOutputDim: 4 })).toMatchObject({ isTdt: false, numDurations: 0, featureDim: 80, normalizeType: '' });
    expect(readNemoTransducerConfig(rnnt, tokens, { featureDim: 64 }).featureDim).toBe(64);
  });

  test.each([
    [{ ...PARAKEET, vocab_size: undefined }, {}, /"vocab_size"/],
    [{ ...PARAKEET, pred_hidden: 'x' }, {}, /"pred_hidden"/],
    [{ ...PARAKEET, vocab_size: '4' }, {}, /vocab_size \+ 1 = 5 symbols with <blk> last/],
    [{ ...PARAKEET, normalize_type: 'all_features' }, {}, /normalize_type "all_features" is not supported/],
    [{ ...PARAKEET, is_giga_am: '1' }, {}, /GigaAM/],
    [PARAKEET, { joinerOutputDim: 4 }, /url says TDT but the joiner gives 4 logits/],
    [{ ...PARAKEET, url: 'rnnt' }, { joinerOutputDim: 9 }, /joiner gives 9 logits for 4 tokens/],
  ])('refuses what sherpa-onnx refuses: %j %j', (metadata, shapes, message) => {
    expect(() => readNemoTransducerConfig(metadata as Record<string, string>, tokens, shapes)).toThrow(message);
  });

  test('tokens.txt must end with <blk>', () => {
    const blankFirst = TokenTable.parse(['<blk> 0', 'a 1', 'b 2', 'c 3'].join('\n'));
    expect(() => readNemoTransducerConfig(PARAKEET, blankFirst)).toThrow(/<blk> last/);
  });
});
