import type { StreamWord } from './local-agreement';
import { finalKeepingStablePrefix, wordsAfterStablePrefix } from './stable-prefix-final';
import type { FinalEvent } from './streaming-events';

/** Words from `word@start-end` entries (seconds). */
const w = (spec: string): StreamWord[] =>
  spec
    .split(' ')
    .filter(Boolean)
    .map((entry) => {
      const [word, times] = entry.split('@');
      const [startSec, endSec] = times.split('-').map(Number);
      return { word, startSec, endSec };
    });
const text = (words: readonly StreamWord[]) => words.map((x) => x.word).join(' ');

describe('wordsAfterStablePrefix', () => {
  test.each([
    ['no stable prefix: every final word', '', 'one@0.1-0.4 two@0.5-0.8', 'one two'],
    ['same words, same times: only the rest', 'one@0.1-0.4 two@0.5-0.8', 'one@0.1-0.4 two@0.5-0.8 three@0.9-1.2', 'three'],
    ['the models disagree on the prefix\'s words: the prefix stays, the rest follows', 'i@0.5-0.6 scream@0.65-1.0', 'ice@0.5-0.65 cream@0.75-1.0 today@1.1-1.5', 'today'],
    ['edges a frame apart: the final model\'s copy of the last word ends later', 'hello@0.6-1.0', 'hello@0.62-1.04 world@1.08-1.4', 'world'],
    ['the next word starts a little before the prefix ends', 'hello@0.6-1.0', 'hello@0.6-0.92 world@0.96-1.4', 'world'],
    ['the same word heard later by the final model (it overlaps the prefix): not repeated', 'hello@0.6-1.0', 'hello@0.95-1.2 world@1.3-1.6', 'world'],
    ['a word the partials committed cut short is not followed by the final model\'s whole word', 'brown@1.0-1.3 for@1.4-1.55', 'brown@1.0-1.3 fox@1.4-1.8', ''],
    ['...nor by a whole word that starts within it', 'brown@1.0-1.3 for@1.4-1.55', 'brown@1.0-1.3 forks@1.42-1.8 testing@2.5-2.9', 'testing'],
    ['a real repeat after the prefix is kept', 'very@0.6-1.0', 'very@0.6-1.0 very@1.1-1.4 good@1.5-1.8', 'very good'],
    ['the final model heard nothing after the prefix', 'one@0.1-0.4 two@0.5-0.8', 'one@0.1-0.4', ''],
    ['the final model heard nothing at all', 'one@0.1-0.4', '', ''],
  ])('%s', (_name, stable, final, expected) => {
    expect(text(wordsAfterStablePrefix(w(stable), w(final)))).toBe(expected);
  });

  test('the tolerance decides a word starting just before the prefix ends', () => {
    const stable = w('one@0.1-1.0');
    const next = w('one@0.1-0.7 two@0.93-1.3');
    expect(text(wordsAfterStablePrefix(stable, next))).toBe('two');
    expect(text(wordsAfterStablePrefix(stable, next, { toleranceSec: 0.05 }))).toBe('');
    expect(text(wordsAfterStablePrefix(stable, w('one@0.1-0.7 two@0.85-1.3')))).toBe('');
    expect(text(wordsAfterStablePrefix(stable, w('one@0.1-0.7 two@0.85-1.3'), { toleranceSec: 0.2 }))).toBe('two');
  });
});

describe('finalKeepingStablePrefix', () => {
  const final = (words: StreamWord[]): FinalEvent => ({
    type: 'final',
    utteranceIndex: 3,
    reason: 'silence',
    text: text(words),
    stableDelta: '',
    words,
    startSec: 0.2,
    endSec: 2.5,
  });

  test('the final is the stable prefix plus the final model\'s words after it; stableDelta extends the stable text', () => {
    const stable = w('won@0.1-0.4 too@0.5-0.8');
    const out = finalKeepingStablePrefix(final(w('one@0.1-0.4 two@0.5-0.8 three@0.9-1.2 four@1.3-1.6')), stable);
    expect(out.text).toBe('won too three four');
    expect(out.stableDelta).toBe(' three four');
    expect(text(stable) + out.stableDelta).toBe(out.text);
    expect(out.words.map((x) => x.word)).toEqual(['won', 'too', 'three', 'four']);
    expect(out).toMatchObject({ utteranceIndex: 3, reason: 'silence', startSec: 0.2, endSec: 2.5 });
  });

  test('never retracts: a final model that heard less keeps the prefix whole (empty delta)', () => {
    const stable = w('one@0.1-0.4 two@0.5-0.8 three@0.9-1.2');
    const out = finalKeepingStablePrefix(final(w('one@0.1-0.4')), stable);
    expect(out.text).toBe('one two three');
    expect(out.stableDelta).toBe('');
  });

  test('without a stable prefix the final is the final model\'s, and its delta is its whole text', () => {
    const out = finalKeepingStablePrefix(final(w('one@0.1-0.4 two@0.5-0.8')), []);
    expect(out.text).toBe('one two');
    expect(out.stableDelta).toBe('one two');
  });
});
