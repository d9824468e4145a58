import type { TokenTable } from '../tokens';
import { WORD_BOUNDARY } from '../tokens';
import { LM_SPACE, type CharLmContext, type CharNgramLm } from './char-ngram-lm';

/** How much the language model counts in beam search (shallow fusion), per model (`lm.json`). */
export interface LmWeights {
  /** Multiplies the LM's log probability before it is added to the acoustic score. */
  scale: number;
  /** Added per character the hypothesis spells (offsets the LM's bias toward short outputs). */
  lengthBonus: number;
}

export const DEFAULT_LM_WEIGHTS: Readonly<LmWeights> = { scale: 0.5, lengthBonus: 0.5 };

/** A hypothesis's language-model state: its context and what the LM has added to its score so far. */
export interface LmState {
  context: CharLmContext;
  /** The last character spelled ('' before the first). */
  last: string;
  /** scale × Σ log P(char) + lengthBonus × chars, natural log. */
  score: number;
}

/**
 * Applies a character LM to token hypotheses: each token is scored by the characters it spells (`▁` is a word
 * boundary; BPE pieces score all their characters; blank and `<...>` tokens score nothing). A boundary at the
 * start of the text or after another boundary spells nothing, as it prints nothing. Characters outside the
 * LM's alphabet (punctuation or digits of a model whose LM text had none) are passed over, not penalized: the
 * LM judges only what it knows.
 */
export class LmFusion {
  private readonly spellings: readonly string[];

  constructor(
    private readonly lm: CharNgramLm,
    tokens: TokenTable,
    private readonly weights: Readonly<LmWeights>,
  ) {
    this.spellings = tokens.symbols.map((symbol, id) =>
      tokens.isSpecial(id)
        ? ''
        : [...symbol.toLowerCase()]
            .map((c) => (c === WORD_BOUNDARY || c === ' ' ? LM_SPACE : c))
            .filter((c) => c === LM_SPACE || lm.knows(c))
            .join(''),
    );
  }

  get initial(): LmState {
    return { context: this.lm.start, last: '', score: 0 };
  }

  /** The state after `tokenId`. */
  extend(state: LmState, tokenId: number): LmState {
    const spelling = this.spellings[tokenId];
    if (!spelling) return state;
    let { context, last, score } = state;
    let consumed = false;
    for (const char of spelling) {
      if (char === LM_SPACE && (last === '' || last === LM_SPACE)) continue;
      score += this.weights.scale * this.lm.logProb(context, char) + this.weights.lengthBonus;
      context = this.lm.advance(context, char);
      last = char;
      consumed = true;
    }
    return consumed ? { context, last, score } : state;
  }

  /** The state's score with the end of the sentence added. */
  final(state: LmState): number {
    return state.score + this.weights.scale * this.lm.endLogProb(state.context);
  }
}
