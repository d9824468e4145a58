import { whisperWords } from './whisper-words';

describe('whisperWords', () => {
  test('a piece with leading space starts a word; punctuation stays on its word; times shared by length', () => {
    const words = whisperWords(
      [
        { token: ' Seven', logprob: -0.1 },
        { token: ',', logprob: -0.2 },
        { token: ' three', logprob: -0.3 },
        { token: '.', logprob: -0.4 },
      ],
      0,
      2.5,
    );
    expect(words.map((w) => w.word)).toEqual(['Seven,', 'three.']);
    // "Seven," and "three." are 6 characters each: half the span each
    expect(words.map((w) => [w.startSec, w.endSec])).toEqual([
      [0, 1.25],
      [1.25, 2.5],
    ]);
    expect(words[0].tokens!.map((t) => t.token)).toEqual([' Seven', ',']);
  });

  test('text without spaces is one word; a white-space piece ends a word', () => {
    expect(whisperWords([{ token: '打开', logprob: 0 }, { token: '灯', logprob: 0 }], 0, 1).map((w) => w.word)).toEqual(['打开灯']);
    expect(whisperWords([{ token: 'a', logprob: 0 }, { token: ' ', logprob: 0 }, { token: 'b', logprob: 0 }], 0, 1).map((w) => w.word)).toEqual(['a', 'b']);
  });
});
