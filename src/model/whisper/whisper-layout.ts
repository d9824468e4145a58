import type { LayoutDetector } from '../model-layout';

/**
 * A Whisper folder as sherpa-onnx publishes it (`sherpa-onnx-whisper-tiny.en`, `-tiny`, `-base`, ...):
 * `<name>-encoder.onnx`, `<name>-decoder.onnx` (and their `.int8.onnx`), `<name>-tokens.txt`; sherpa-onnx-node
 * takes them as `whisper: {encoder, decoder}` + `tokens`. `languageCodes` are the encoder's
 * `all_language_codes` (empty for English-only models: `is_multilingual=0`).
 */
export interface WhisperLayout {
  kind: 'whisper';
  dir: string;
  encoderPath: string;
  decoderPath: string;
  tokensPath: string;
  languageCodes: string[];
}

/** `<name>-encoder.onnx` / `.int8.onnx` / plain `encoder.onnx`: the encoder files and the `<name>-` before them. */
const ENCODER = /^(.*?)encoder(\.int8)?\.onnx$/;

/** A folder whose encoder carries Whisper's metadata (sherpa's export writes `sot_sequence`, `n_text_ctx`, ...). */
export const detectWhisper: LayoutDetector = (folder) => {
  const prefixes = [...new Set(folder.files.map((f) => ENCODER.exec(f)?.[1]).filter((p): p is string => p !== undefined))];
  for (const prefix of prefixes) {
    const encoder = folder.pick(`${prefix}encoder`);
    const decoder = folder.pick(`${prefix}decoder`);
    const tokens = [`${prefix}tokens.txt`, 'tokens.txt'].find((f) => folder.files.includes(f));
    if (!encoder || !decoder || !tokens) continue;
    const meta = folder.metadata(encoder);
    if (meta.sot_sequence === undefined || meta.n_text_ctx === undefined) continue;
    const languageCodes = meta.is_multilingual === '1' ? (meta.all_language_codes ?? '').split(',').map((c) => c.trim()).filter(Boolean) : [];
    return { kind: 'whisper', dir: folder.dir, encoderPath: folder.file(encoder), decoderPath: folder.file(decoder), tokensPath: folder.file(tokens), languageCodes };
  }
  return undefined;
};
