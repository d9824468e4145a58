import { missedWords } from './missed-words';

describe('missedWords', () => {
  test('lists the script words a transcription lacks, normalised, each once', () => {
    expect(missedWords('Hello world, the quick brown fox. The fox!', 'hellow world the quick brown forks')).toEqual(['hello', 'fox']);
  });
  test('nothing when every word was heard, whatever the case and punctuation', () => {
    expect(missedWords('Testing one, two, three.', 'testing One two three')).toEqual([]);
  });
});
