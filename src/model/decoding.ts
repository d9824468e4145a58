import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HotwordTrie } from './lm/hotword-trie';
import { DEFAULT_LM_WEIGHTS, LmFusion, type LmWeights } from './lm/lm-fusion';
import { loadTextLm } from './lm/load-text-lm';
import type { TextLm } from './lm/text-lm';
import type { ModelLayout } from './model-layout';
import type { TokenTable } from './tokens';

export type DecodingMethod = 'greedy_search' | 'beam_search';

/** How the service asks models to decode (`DECODING_METHOD`, `DECODING_BEAM_SIZE`). */
export interface DecodingConfig {
  /** 'auto': beam search with the model's LM when its folder has one, else greedy search. */
  method: 'auto' | DecodingMethod;
  beamSize: number;
  /** Overrides the LM weights of every model's `lm.json` (used when tuning them). */
  lmWeights?: LmWeights;
}

export const GREEDY_DECODING: Readonly<DecodingConfig> = { method: 'greedy_search', beamSize: 1 };

/** What one loaded model decodes with. */
export interface ModelDecoding {
  method: DecodingMethod;
  beamSize: number;
  lm?: LmFusion;
  /** For /status: the LM file, what it counts in, and its weights. */
  lmFile?: string;
  lmUnit?: TextLm['unit'];
  lmWeights?: LmWeights;
}

/** Resolves the decoding of one model: loads its LM when beam search will use it. */
export function resolveDecoding(layout: ModelLayout, config: Readonly<DecodingConfig>, tokens: TokenTable): ModelDecoding {
  const method: DecodingMethod = config.method === 'auto' ? (layout.lmPath ? 'beam_search' : 'greedy_search') : config.method;
  if (method === 'greedy_search') return { method, beamSize: 1 };
  const beamSize = Math.max(1, config.beamSize);
  if (!layout.lmPath) return { method, beamSize };
  const lmWeights = config.lmWeights ?? (layout.lmWeightsPath ? readWeights(layout.lmWeightsPath) : { ...DEFAULT_LM_WEIGHTS });
  const textLm = loadTextLm(layout.lmPath);
  const lm = new LmFusion(textLm, tokens, lmWeights);
  return { method, beamSize, lm, lmFile: path.basename(layout.lmPath), lmUnit: textLm.unit, lmWeights };
}

/** What one recognition request adds to the model's text scoring (beam search only; greedy search ignores it). */
export interface TextContext {
  /** Words to favour (OpenAI's `prompt`): hotwords. */
  prompt?: string;
  /**
   * The text recognized just before these samples (a live utterance's committed words): the LM continues it
   * instead of starting a new sentence at the window's first word.
   */
  precedingText?: string;
  /**
   * The audio's language, an ISO-639-1 code the model has (supported-languages.ts checks it): a multilingual
   * Whisper model decodes in it, or detects the language when it is absent. Other models transcribe English.
   */
  language?: string;
  /** 'translate': a multilingual Whisper model translates into English; other models transcribe. */
  task?: 'transcribe' | 'translate';
}

/**
 * The text scorer for one request: the model's LM (continuing the preceding text, if any), plus the prompt's
 * hotwords when there are any. Greedy search has none (hotwords need beam search); beam search without an LM
 * gets one for the hotwords alone.
 */
export function textScorerFor(decoding: ModelDecoding, tokens: TokenTable, text: TextContext = {}): LmFusion | undefined {
  if (decoding.method !== 'beam_search') return undefined;
  const hotwords = HotwordTrie.fromPrompt(text.prompt);
  if (decoding.lm) return decoding.lm.forRequest(tokens, hotwords, text.precedingText);
  return hotwords ? new LmFusion(undefined, tokens, DEFAULT_LM_WEIGHTS, hotwords) : undefined;
}

function readWeights(file: string): LmWeights {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<LmWeights>;
  const weights = { ...DEFAULT_LM_WEIGHTS, ...raw };
  if (!Number.isFinite(weights.scale) || weights.scale < 0 || !Number.isFinite(weights.lengthBonus) || !Number.isFinite(weights.unknownWordPenalty)) {
    throw new Error(`${file}: expected {"scale": number >= 0, "lengthBonus": number, "unknownWordPenalty"?: number}`);
  }
  return { scale: weights.scale, lengthBonus: weights.lengthBonus, unknownWordPenalty: weights.unknownWordPenalty };
}
