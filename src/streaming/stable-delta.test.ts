import { stableDelta } from './stable-delta';

describe('stableDelta', () => {
  test.each<[string, string, string]>([
    ['', 'hello world', 'hello world'],
    ['', '', ''],
    ['hello', 'hello world', ' world'],
    ['hello world', 'hello world', ''],
    ['the quick brown for', 'the quick brown force', ''],
    ['the quick', 'a quick brown', ''],
  ])('%j then %j: %j', (previous, next, expected) => {
    expect(stableDelta(previous, next)).toBe(expected);
  });

  test('the deltas of a growing text add up to it', () => {
    const texts = ['one', 'one two', 'one two three'];
    let sent = '';
    let previous = '';
    for (const t of texts) {
      sent += stableDelta(previous, t);
      previous = t;
    }
    expect(sent).toBe('one two three');
  });
});
