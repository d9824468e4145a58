import type { WhisperModelMeta } from './whisper-model-meta';

/** One decoding pass of a Whisper decoder: its self-attention caches and position (`offset`), over one encoder output. */
export interface WhisperDecoderPass {
  /** Runs `tokens` at the current offset, which then advances by their number; returns the last position's logits. */
  run(tokens: readonly number[]): Promise<Float32Array>;
  /** Tokens run so far (the decoder's `offset` input). */
  readonly offset: number;
}

/** What the greedy search needs of a model: passes over one encoder output, each from zeroed caches at offset 0. */
export interface WhisperDecoderRunner {
  begin(): WhisperDecoderPass;
}

export interface WhisperDecodeOptions {
  /** A code of the model's `all_language_codes`; absent: the language is detected (multilingual models). */
  language?: string;
  task?: 'transcribe' | 'translate';
  /** Feature frames of the audio (before the tail padding): at most 6 tokens a second of them are decoded. */
  numFeatureFrames: number;
}

export interface WhisperDecodeResult {
  /** The tokens chosen, eot excluded (special tokens such as timestamps may be among them). */
  tokens: number[];
  /** Natural-log probability of each token where it was chosen. */
  logProbs: number[];
  /** The language decoded in (given or detected); undefined for English-only models. */
  language: string | undefined;
}

/** Index of the largest value (the first of equal ones, as std::max_element). */
export function argmax(values: Float32Array, candidates?: readonly number[]): number {
  if (candidates) {
    let best = candidates[0];
    for (const id of candidates) if (values[id] > values[best]) best = id;
    return best;
  }
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

function logSoftmaxAt(logits: Float32Array, id: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return logits[id] - max - Math.log(sum);
}

/**
 * sherpa-onnx's Whisper greedy search (OfflineWhisperGreedySearchDecoder, plain export, no timestamps): the
 * prompt is the model's sot_sequence with the language (given, or the best language token after [sot] in a
 * pass of its own) and the task put in, then <|notimestamps|>; then the best token is taken until eot, at
 * most 6 per second of audio (and half the text context), or until the offset reaches n_text_ctx - 1.
 */
export async function whisperGreedyDecode(runner: WhisperDecoderRunner, meta: WhisperModelMeta, options: WhisperDecodeOptions): Promise<WhisperDecodeResult> {
  const initial = [...meta.sotSequence];
  let language: string | undefined;
  if (meta.isMultilingual) {
    let languageToken: number;
    if (options.language) {
      const index = meta.languageCodes.indexOf(options.language);
      if (index < 0) throw new Error(`language "${options.language}" is not one of this model's (${meta.languageCodes.join(', ')})`);
      languageToken = meta.languageTokens[index];
    } else {
      const logits = await runner.begin().run([meta.sot]);
      languageToken = argmax(logits, meta.languageTokens);
    }
    initial[1] = languageToken;
    if (options.task === 'translate') initial[2] = meta.translate;
    language = meta.languageCodes[meta.languageTokens.indexOf(languageToken)];
  }
  initial.push(meta.noTimestamps);

  const pass = runner.begin();
  let logits = await pass.run(initial);
  let next = argmax(logits);
  const maxTokens = Math.min(Math.trunc((options.numFeatureFrames / 100) * 6), Math.trunc(meta.nTextCtx / 2));
  const tokens: number[] = [];
  const logProbs: number[] = [];
  for (let i = 0; i < maxTokens; i++) {
    if (next === meta.eot) break;
    tokens.push(next);
    logProbs.push(logSoftmaxAt(logits, next));
    logits = await pass.run([next]);
    if (pass.offset >= meta.nTextCtx - 1) break;
    next = argmax(logits);
  }
  return { tokens, logProbs, language };
}
