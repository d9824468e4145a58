import { LM_SPACE } from './text-lm';
import { HotwordTrie, MAX_HOTWORDS } from './hotword-trie';

describe('HotwordTrie', () => {
  test('takes a prompt\'s distinct words, lowercased, without punctuation or one-letter words', () => {
    expect(HotwordTrie.fromPrompt("The quick, brown FOX — isn't it? A fox!")!.words).toEqual(['the', 'quick', 'brown', 'fox', "isn't", 'it']);
    expect(HotwordTrie.fromPrompt('')).toBeUndefined();
    expect(HotwordTrie.fromPrompt('a . ! b')).toBeUndefined();
    expect(HotwordTrie.fromPrompt(undefined)).toBeUndefined();
  });

  test('keeps at most MAX_HOTWORDS words', () => {
    const prompt = Array.from({ length: MAX_HOTWORDS + 50 }, (_, i) => `w${i}`).join(' ');
    expect(HotwordTrie.fromPrompt(prompt)!.words).toHaveLength(MAX_HOTWORDS);
  });

  test('walks words from a word start; a boundary returns to the root', () => {
    const trie = HotwordTrie.fromWords(['fox', 'for'])!;
    const walk = (text: string) => [...text].reduce((node, c) => trie.step(node, c === ' ' ? LM_SPACE : c), 0);
    expect(trie.isWordEnd(walk('fox'))).toBe(true);
    expect(trie.isWordEnd(walk('fo'))).toBe(false);
    expect(walk('fo')).toBeGreaterThan(0);
    expect(walk('fax')).toBe(-1);
    expect(walk('afox')).toBe(-1); // hotwords start at word starts only
    expect(trie.isWordEnd(walk('big fox'))).toBe(true);
    expect(walk('fox ')).toBe(0);
  });
});
