import type { ModelLayout } from './model-layout';
import { WHISPER_LANGUAGE_NAMES } from './whisper/whisper-languages';

/** The language values that mean English (`en`, `eng`, `english`, `en-GB`, ...): what English-only models accept. */
const ENGLISH = /^(en|eng|english)([-_][a-z0-9]+)?$/i;

/**
 * The one language rule of the service (HTTP, Realtime, captions, CLI). A multilingual Whisper model takes
 * any ISO-639-1 code among its `all_language_codes` (a region suffix such as `de-AT` is dropped; an English
 * name such as `german` is taken too), and without
 * one it detects the language; a model whose folder lists its languages (`languages.txt`: a multilingual
 * Parakeet, which hears the language itself) takes those codes; every other model (NeMo CTC, transducers,
 * `.en` Whisper models) transcribes English and accepts only the values that mean English.
 */
export type LanguageCheck = { ok: true; code: string | undefined } | { ok: false; message: string };

/**
 * The language codes a model transcribes: a multilingual Whisper model's `languageCodes`, a Moonshine v2
 * model's language, else what its folder's `languages.txt` lists (a multilingual Parakeet), else English.
 */
export function modelLanguages(layout: ModelLayout): readonly string[] {
  if (layout.kind === 'moonshine' && layout.version === 2) return [layout.language];
  if (layout.kind === 'whisper' && layout.languageCodes.length > 0) return layout.languageCodes;
  return layout.languages && layout.languages.length > 0 ? layout.languages : ['en'];
}

const CODE_OF_NAME = new Map(Object.entries(WHISPER_LANGUAGE_NAMES).map(([code, name]) => [name, code]));

/** `de`, `DE`, `de-AT`, `de_AT`, `German` → `de`. */
export function toLanguageCode(language: string): string {
  const value = language.trim().toLowerCase();
  return CODE_OF_NAME.get(value) ?? value.split(/[-_]/)[0];
}

/** Checks a client's `language` for a model: the code to decode with (undefined: detect, or English), or why not. */
export function checkLanguage(layout: ModelLayout, language: string | null | undefined, modelId = 'this model'): LanguageCheck {
  if (!language) return { ok: true, code: undefined };
  const codes = modelLanguages(layout);
  if (codes.length === 1 && codes[0] === 'en') {
    if (ENGLISH.test(language)) return { ok: true, code: 'en' };
    return { ok: false, message: `Language '${language}' is not supported by model '${modelId}'; supported: en.` };
  }
  const code = toLanguageCode(language);
  if (codes.includes(code)) return { ok: true, code };
  return { ok: false, message: `Language '${language}' is not supported by model '${modelId}'; supported: ${codes.join(', ')} (ISO-639-1 codes).` };
}

/** Whether the model can translate into English (`/v1/audio/translations`): a multilingual Whisper model. */
export function canTranslate(layout: ModelLayout): boolean {
  return layout.kind === 'whisper' && layout.languageCodes.length > 0;
}

/** The language's name as OpenAI's verbose_json reports it (`english`, `german`); the code itself when unknown. */
export function languageName(code: string | undefined): string {
  return WHISPER_LANGUAGE_NAMES[code ?? 'en'] ?? code ?? 'english';
}

/**
 * The language a transcript reports (verbose_json `language`): the one asked for or detected, else the model's
 * only language (`english` for English models, `spanish` for a Spanish Moonshine); a multilingual model that
 * reports none (a multilingual Parakeet hears the language but does not name it) reports `unknown`, not a guess.
 */
export function transcriptLanguage(code: string | undefined, languages: readonly string[]): string {
  const known = code ?? (languages.length === 1 ? languages[0] : undefined);
  return known ? languageName(known) : 'unknown';
}
