/** Our models transcribe English; these are the language values that mean English (`en`, `eng`, `english`, `en-GB`, ...). */
const ENGLISH = /^(en|eng|english)([-_][a-z0-9]+)?$/i;

/** Whether a client's `language` names a language the models transcribe. */
export function isSupportedLanguage(language: string): boolean {
  return ENGLISH.test(language);
}
