/** The word boundary as language models see it (ARPA files and token tables write it as `▁`). */
export const LM_SPACE = ' ';

/** Where a language model is in the text (opaque to its users; equal contexts score alike). */
export type LmContext = string;

/**
 * A language model as beam search uses it: text is scored one character at a time (`LM_SPACE` between
 * words), whatever unit the model counts in. Scores are natural logs.
 */
export interface TextLm {
  /** What the model counts in: characters (`▁` between words) or words. */
  readonly unit: 'character' | 'word';
  /** The context at the start of a sentence. */
  readonly start: LmContext;
  /** True for characters the model can score (others are passed over). */
  knows(char: string): boolean;
  /** log P(char | context); the characters of a text sum to the text's log probability. */
  logProb(context: LmContext, char: string): number;
  /** log P(end of sentence | context). */
  endLogProb(context: LmContext): number;
  /** The context after `char`. */
  advance(context: LmContext, char: string): LmContext;
  /**
   * Word LMs: true when `char` (a letter, or `LM_SPACE` ending the word) makes the word being spelled leave
   * the vocabulary, which costs the out-of-vocabulary penalty once per word.
   */
  leavesVocabulary?(context: LmContext, char: string): boolean;
}
