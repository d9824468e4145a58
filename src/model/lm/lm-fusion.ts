import type { TokenTable } from '../tokens';
import { LM_SPACE, type LmContext, type TextLm } from './text-lm';
import type { HotwordTrie } from './hotword-trie';

/** How much the language model counts in beam search (shallow fusion), per model (`lm.json`). */
export interface LmWeights {
  /** Multiplies the LM's log probability before it is added to the acoustic score. */
  scale: number;
  /** Added per character the hypothesis spells (offsets the LM's bias toward short outputs). */
  lengthBonus: number;
  /**
   * Word LMs only: subtracted (natural log, not scaled) once per word that leaves the LM's vocabulary, as
   * pyctcdecode's `unk_score_offset`; misspellings then fall out of the beam while a clearly spoken new word
   * can still win.
   */
  unknownWordPenalty: number;
}

export const DEFAULT_LM_WEIGHTS: Readonly<LmWeights> = { scale: 0.5, lengthBonus: 0.5, unknownWordPenalty: 10 };

/**
 * Bonus per character of a hotword (natural log), taken back if the word is left unfinished. 1.5 is
 * sherpa-onnx's default hotword score; on our dev set a prompt of 14 unrelated words costs 1.5 points of WER
 * (1.0: 1.0 point, but the transducer then misses "fox" in the speech fixture).
 */
export const HOTWORD_BONUS_PER_CHAR = 1.5;

/** Characters of preceding text the LM is primed with (well beyond any usable n-gram order). */
const MAX_PRECEDING_CHARS = 64;

/** A hypothesis's text state: its LM context and what the LM and hotwords have added to its score so far. */
export interface LmState {
  context: LmContext;
  /** The last character spelled ('' before the first). */
  last: string;
  /** scale × Σ log P(char) + lengthBonus × chars + hotword bonuses, natural log. */
  score: number;
  /** Where the current word is in the hotword trie (0 = word start, -1 = not a hotword). */
  hotNode: number;
  /**
   * What the current, unfinished word loses if it does not finish as a hotword: the hotword bonus it was
   * given, plus an unknown-word penalty held back while it could still be a hotword.
   */
  pending: number;
}

/**
 * Scores token hypotheses by the text they spell, for beam search: a character LM (shallow fusion) and, per
 * request, hotwords. Each token is scored by the characters it spells (`▁` is a word boundary; BPE pieces
 * score all their characters; blank and `<...>` tokens score nothing). A boundary at the start of the text or
 * after another boundary spells nothing, as it prints nothing. Characters outside the LM's alphabet
 * (punctuation or digits of a model whose LM text had none) are passed over by the LM, not penalized.
 *
 * Hotwords (contextual biasing, as sherpa-onnx's hotwords): every character that continues a hotword from a
 * word start earns `HOTWORD_BONUS_PER_CHAR`, which keeps the hotword alive in the beam while it is spelled;
 * a word that leaves the trie, or ends before a hotword does, gives the bonus back. With a word LM, a word
 * outside its vocabulary costs `unknownWordPenalty` once, unless the word is a hotword (names in a prompt
 * are usually exactly such words).
 */
export class LmFusion {
  private readonly spellings: readonly string[];

  constructor(
    private readonly lm: TextLm | undefined,
    tokens: TokenTable,
    private readonly weights: Readonly<LmWeights>,
    private readonly hotwords?: HotwordTrie,
    spellings?: readonly string[],
    private readonly precedingText = '',
  ) {
    this.spellings =
      spellings ??
      tokens.spellings.map((spelling) => [...spelling.toLowerCase()].map((c) => (c === ' ' ? LM_SPACE : c)).join(''));
  }

  /** The same LM for one request: with its hotwords, and continuing `precedingText` (see `initial`). */
  forRequest(tokens: TokenTable, hotwords: HotwordTrie | undefined, precedingText = ''): LmFusion {
    return hotwords || precedingText ? new LmFusion(this.lm, tokens, this.weights, hotwords, this.spellings, precedingText) : this;
  }

  /**
   * The state before the first token: the start of a sentence, or — given preceding text — the LM context
   * after that text and a word boundary (its characters score nothing here: they are not this hypothesis's).
   */
  get initial(): LmState {
    const start: LmState = { context: this.lm?.start ?? '', last: '', score: 0, hotNode: 0, pending: 0 };
    const lm = this.lm;
    if (!lm || !this.precedingText) return start;
    // The LM's order bounds what it can see: the last few words are plenty.
    let context = start.context;
    let last = '';
    for (const char of [...this.precedingText.toLowerCase().slice(-MAX_PRECEDING_CHARS).replace(/\s+/g, LM_SPACE), LM_SPACE]) {
      if (char === LM_SPACE && (last === '' || last === LM_SPACE)) continue;
      if (char !== LM_SPACE && !lm.knows(char)) continue;
      context = lm.advance(context, char);
      last = char;
    }
    return { ...start, context, last: LM_SPACE };
  }

  /** The state after `tokenId`. */
  extend(state: LmState, tokenId: number): LmState {
    const spelling = this.spellings[tokenId];
    if (!spelling) return state;
    let { context, last, score, hotNode, pending } = state;
    let consumed = false;
    for (const char of spelling) {
      if (char === LM_SPACE && (last === '' || last === LM_SPACE)) continue;
      let unknownWordPenalty = 0;
      if (this.lm && (char === LM_SPACE || this.lm.knows(char))) {
        score += this.weights.scale * this.lm.logProb(context, char) + this.weights.lengthBonus;
        if (this.lm.leavesVocabulary?.(context, char)) unknownWordPenalty = this.weights.unknownWordPenalty;
        context = this.lm.advance(context, char);
      }
      if (this.hotwords) {
        // A hotword is in the vocabulary: an unknown-word penalty waits (in `pending`) until the word ends.
        const next = this.hotwords.step(hotNode, char);
        if (char === LM_SPACE) {
          if (!this.hotwords.isWordEnd(hotNode)) score -= pending + unknownWordPenalty;
          pending = 0;
        } else if (next < 0) {
          score -= pending + unknownWordPenalty;
          pending = 0;
        } else {
          score += HOTWORD_BONUS_PER_CHAR;
          pending += HOTWORD_BONUS_PER_CHAR + unknownWordPenalty;
        }
        hotNode = next;
      } else {
        score -= unknownWordPenalty;
      }
      last = char;
      consumed = true;
    }
    return consumed ? { context, last, score, hotNode, pending } : state;
  }

  /**
   * The state's score with the end of the text added: the LM's end of sentence, and for an unfinished last
   * word that is not a hotword, its hotword bonus back and its unknown-word penalty.
   */
  final(state: LmState): number {
    const lm = this.lm;
    const lmEnd = lm ? this.weights.scale * lm.endLogProb(state.context) : 0;
    if (this.hotwords?.isWordEnd(state.hotNode)) return state.score + lmEnd;
    const unknownWord = lm?.leavesVocabulary?.(state.context, LM_SPACE) ? this.weights.unknownWordPenalty : 0;
    return state.score + lmEnd - state.pending - unknownWord;
  }
}
