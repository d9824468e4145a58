import type { LayoutDetector } from '../model-layout';
import { ZIPFORMER2_STREAMING_KEYS } from './zipformer2-encoder-config';

/**
 * A streaming (online) Zipformer2 transducer as sherpa-onnx publishes it (e.g.
 * `sherpa-onnx-streaming-zipformer-en-2023-06-26`: `encoder-epoch-99-avg-1-chunk-16-left-128.onnx`, `decoder-…`,
 * `joiner-…`, `tokens.txt`). The files are named like an offline transducer's; the encoder's metadata tells them
 * apart: `model_type=zipformer2` with the streaming keys (`T`, `decode_chunk_len`, the cache shapes).
 */
export type OnlineTransducerLayout = { kind: 'online-transducer'; dir: string; encoderPath: string; decoderPath: string; joinerPath: string; tokensPath: string };

/** Decided by the encoder's metadata; tried before the offline transducer's detector. */
export const detectOnlineTransducer: LayoutDetector = (folder) => {
  const [encoder, decoder, joiner] = ['encoder', 'decoder', 'joiner'].map((p) => folder.pick(p));
  if (!encoder || !decoder || !joiner || !folder.files.includes('tokens.txt')) return undefined;
  const metadata = folder.metadata(encoder);
  if (metadata.model_type !== 'zipformer2' || !ZIPFORMER2_STREAMING_KEYS.every((key) => key in metadata)) return undefined;
  return { kind: 'online-transducer', dir: folder.dir, encoderPath: folder.file(encoder), decoderPath: folder.file(decoder), joinerPath: folder.file(joiner), tokensPath: folder.file('tokens.txt') };
};
