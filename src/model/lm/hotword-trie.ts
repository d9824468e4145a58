import { LM_SPACE } from './text-lm';

/** Most distinct hotwords one request may carry (the rest of a long prompt is ignored). */
export const MAX_HOTWORDS = 200;

/**
 * The words to favour in one request (OpenAI's `prompt`), as a character trie walked while hypotheses grow:
 * node 0 is the root (a word start); a node is `final` when a whole hotword ends there.
 */
export class HotwordTrie {
  private readonly children: Map<string, number>[] = [new Map()];
  private readonly final: boolean[] = [false];
  readonly words: readonly string[];

  private constructor(words: string[]) {
    this.words = words;
    for (const word of words) {
      let node = 0;
      for (const char of word) {
        let next = this.children[node].get(char);
        if (next === undefined) {
          next = this.children.length;
          this.children.push(new Map());
          this.final.push(false);
          this.children[node].set(char, next);
        }
        node = next;
      }
      this.final[node] = true;
    }
  }

  /**
   * The hotwords of a prompt: its words lowercased, cut at anything but letters, digits and apostrophes,
   * two characters or longer, first `MAX_HOTWORDS` distinct ones. Undefined when there are none.
   */
  static fromPrompt(prompt: string | undefined): HotwordTrie | undefined {
    if (!prompt) return undefined;
    const words = new Set<string>();
    for (const raw of prompt.toLowerCase().split(/[^\p{L}\p{N}']+/u)) {
      const word = raw.replace(/^'+|'+$/g, '');
      if ([...word].length >= 2) words.add(word);
      if (words.size >= MAX_HOTWORDS) break;
    }
    return words.size ? new HotwordTrie([...words]) : undefined;
  }

  static fromWords(words: readonly string[]): HotwordTrie | undefined {
    return HotwordTrie.fromPrompt(words.join(' '));
  }

  /** The node after `char` from `node` (-1: not inside a hotword; a boundary returns to the root). */
  step(node: number, char: string): number {
    if (char === LM_SPACE) return 0;
    if (node < 0) return -1;
    return this.children[node].get(char) ?? -1;
  }

  isWordEnd(node: number): boolean {
    return node > 0 && this.final[node];
  }
}
