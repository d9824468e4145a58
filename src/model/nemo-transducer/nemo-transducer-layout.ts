import type { LayoutDetector } from '../model-layout';

/** A NeMo transducer folder (the `nemo-transducer` member of ModelLayout). */
export interface NemoTransducerLayout {
  kind: 'nemo-transducer';
  dir: string;
  encoderPath: string;
  decoderPath: string;
  joinerPath: string;
  tokensPath: string;
}

/**
 * The encoder `model_type`s sherpa-onnx (offline-recognizer-impl.cc) loads as a NeMo transducer when decoder and
 * joiner files are given too: NeMo's RNN-T/TDT BPE models and hybrid RNN-T/CTC models (transducer branch).
 */
export const NEMO_TRANSDUCER_MODEL_TYPES: readonly string[] = ['EncDecRNNTBPEModel', 'EncDecHybridRNNTCTCBPEModel'];

/**
 * NeMo transducer (Parakeet RNN-T/TDT, FastConformer) as sherpa-onnx loads it: `encoder*.onnx`, `decoder*.onnx`,
 * `joiner*.onnx` + `tokens.txt`, told apart from icefall's transducer (same file names) by the encoder's
 * `model_type` metadata. Must run before the icefall `transducer` detector.
 */
export const detectNemoTransducer: LayoutDetector = (folder) => {
  const [encoder, decoder, joiner] = ['encoder', 'decoder', 'joiner'].map((p) => folder.pick(p));
  if (!encoder || !decoder || !joiner || !folder.files.includes('tokens.txt')) return undefined;
  if (!NEMO_TRANSDUCER_MODEL_TYPES.includes(folder.metadata(encoder).model_type ?? '')) return undefined;
  return {
    kind: 'nemo-transducer',
    dir: folder.dir,
    encoderPath: folder.file(encoder),
    decoderPath: folder.file(decoder),
    joinerPath: folder.file(joiner),
    tokensPath: folder.file('tokens.txt'),
  };
};
