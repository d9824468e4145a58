/**
 * What a Whisper encoder's ONNX metadata tells (sherpa-onnx's scripts/whisper/export-onnx.py writes it;
 * OfflineWhisperModel reads these keys).
 */
export interface WhisperModelMeta {
  /** Mel bins of the input (80, or 128 for large-v3 and turbo). */
  nMels: number;
  nTextLayer: number;
  /** Decoder positions, the self-attention caches' length (448 for every OpenAI model). */
  nTextCtx: number;
  nTextState: number;
  nVocab: number;
  sot: number;
  eot: number;
  translate: number;
  transcribe: number;
  noTimestamps: number;
  isMultilingual: boolean;
  /** [sot] (English-only), or [sot, language, task] (multilingual: English and transcribe by default). */
  sotSequence: number[];
  /** The language tokens and their ISO-639-1 codes, in the same order (empty for English-only models). */
  languageTokens: number[];
  languageCodes: string[];
}

function int(meta: Readonly<Record<string, string>>, key: string, source: string): number {
  const value = Number(meta[key]);
  if (meta[key] === undefined || !Number.isInteger(value)) throw new Error(`${source}: Whisper metadata "${key}" is missing or not an integer`);
  return value;
}

function intList(meta: Readonly<Record<string, string>>, key: string, source: string): number[] {
  const values = (meta[key] ?? '').split(',').filter((s) => s.trim() !== '').map(Number);
  if (values.length === 0 || values.some((v) => !Number.isInteger(v))) throw new Error(`${source}: Whisper metadata "${key}" is missing or not a list of integers`);
  return values;
}

export function parseWhisperModelMeta(meta: Readonly<Record<string, string>>, source = 'encoder'): WhisperModelMeta {
  const isMultilingual = int(meta, 'is_multilingual', source) !== 0;
  const languageTokens = isMultilingual ? intList(meta, 'all_language_tokens', source) : [];
  const languageCodes = isMultilingual ? (meta.all_language_codes ?? '').split(',').map((s) => s.trim()) : [];
  if (languageTokens.length !== languageCodes.length) {
    throw new Error(`${source}: ${languageTokens.length} language tokens but ${languageCodes.length} language codes in the Whisper metadata`);
  }
  const sotSequence = intList(meta, 'sot_sequence', source);
  if (isMultilingual && sotSequence.length < 3) throw new Error(`${source}: a multilingual Whisper's sot_sequence has 3 tokens (sot, language, task)`);
  return {
    nMels: int(meta, 'n_mels', source),
    nTextLayer: int(meta, 'n_text_layer', source),
    nTextCtx: int(meta, 'n_text_ctx', source),
    nTextState: int(meta, 'n_text_state', source),
    nVocab: int(meta, 'n_vocab', source),
    sot: int(meta, 'sot', source),
    eot: int(meta, 'eot', source),
    translate: int(meta, 'translate', source),
    transcribe: int(meta, 'transcribe', source),
    noTimestamps: int(meta, 'no_timestamps', source),
    isMultilingual,
    sotSequence,
    languageTokens,
    languageCodes,
  };
}
