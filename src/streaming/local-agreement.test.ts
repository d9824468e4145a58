import {
  agreeOnHypothesis,
  flushAgreement,
  INITIAL_AGREEMENT_STATE,
  joinWords,
  LocalAgreementState,
  normalizeWord,
  StreamWord,
} from './local-agreement';

/** 'hello@1.0' is the word "hello" from 1.0 s to 1.3 s; words without a time follow each other 0.4 s apart. */
function hyp(text: string, startSec = 0): StreamWord[] {
  let next = startSec;
  return text
    .split(' ')
    .filter(Boolean)
    .map((token) => {
      const [word, at] = token.split('@');
      const start = at === undefined ? next : Number(at);
      next = start + 0.4;
      return { word, startSec: start, endSec: start + 0.3 };
    });
}

/** Runs hypotheses through the stabilizer; returns the committed text after each step and the last unstable text. */
function runSteps(hypotheses: string[]): { committedPerStep: string[]; unstable: string; state: LocalAgreementState } {
  let state = INITIAL_AGREEMENT_STATE;
  const committedPerStep: string[] = [];
  let unstable = '';
  for (const text of hypotheses) {
    const update = agreeOnHypothesis(state, hyp(text));
    state = update.state;
    committedPerStep.push(joinWords(update.committed));
    unstable = joinWords(update.unstable);
  }
  return { committedPerStep, unstable, state };
}

describe('agreeOnHypothesis', () => {
  test.each<[string, string[], string[], string]>([
    ['one hypothesis commits nothing', ['hello world'], [''], 'hello world'],
    ['two agreeing hypotheses commit their common prefix', ['hello world', 'hello world how'], ['', 'hello world'], 'how'],
    ['disagreement commits only up to the first difference', ['hello word', 'hello world'], ['', 'hello'], 'world'],
    ['nothing in common commits nothing', ['yellow', 'hello there'], ['', ''], 'hello there'],
    [
      'case and punctuation do not matter',
      ['Hello, world', 'hello World. How'],
      ['', 'hello World.'],
      'How',
    ],
    [
      'committed words are not committed again',
      ['a b', 'a b c', 'a b c d'],
      ['', 'a b', 'c'],
      'd',
    ],
    [
      'a revised tail is replaced, not appended',
      ['the cat', 'the cap sat', 'the cap sat on'],
      ['', 'the', 'cap sat'],
      'on',
    ],
    ['an empty hypothesis resets what must agree', ['a b', '', 'a b'], ['', '', ''], 'a b'],
  ])('%s', (_label, hypotheses, committedPerStep, unstable) => {
    const result = runSteps(hypotheses);
    expect(result.committedPerStep).toEqual(committedPerStep);
    expect(result.unstable).toEqual(unstable);
  });

  test.each<[string, string, string, string]>([
    // state: "one two three" committed (0.0–1.1 s); pending "four".
    ['repeat of the last committed word at the window start is dropped', 'three@1.05 four@1.4 five', 'four', 'five'],
    ['repeat of the committed bigram is dropped', 'two@1.02 three@1.1 four@1.4 five', 'four', 'five'],
    ['words that start before the last commit are dropped by time', 'one@0.1 two@0.4 four@1.4 five', 'four', 'five'],
    ['a repeat far after the last commit is real speech', 'three@3.0 four five', '', 'three four five'],
  ])('%s', (_label, next, committed, unstable) => {
    const state: LocalAgreementState = { committed: hyp('one two three'), pending: hyp('four@1.2'), lastCommittedEndSec: 1.1 };
    const update = agreeOnHypothesis(state, hyp(next));
    expect(joinWords(update.committed)).toBe(committed);
    expect(joinWords(update.unstable)).toBe(unstable);
  });

  test('committed words carry the newest spelling and start and the earlier end, in absolute stream seconds', () => {
    const first = agreeOnHypothesis(INITIAL_AGREEMENT_STATE, [{ word: 'hi', startSec: 10.0, endSec: 10.2 }]);
    const second = agreeOnHypothesis(first.state, [
      { word: 'Hi', startSec: 10.04, endSec: 10.25 },
      { word: 'there', startSec: 10.3, endSec: 10.6 },
    ]);
    expect(second.committed).toEqual([{ word: 'Hi', startSec: 10.04, endSec: 10.2 }]);
    expect(second.state.lastCommittedEndSec).toBe(10.2);
    // An end that moved earlier is taken as is.
    const third = agreeOnHypothesis(second.state, [{ word: 'there', startSec: 10.3, endSec: 10.5 }]);
    expect(third.committed).toEqual([{ word: 'there', startSec: 10.3, endSec: 10.5 }]);
  });

  test('a word heard after a committed word whose end drifted onto it is kept (the earlier end counts)', () => {
    // "three" ends at 1.0 s when first heard; with more audio the decoder stretches it to 1.2 s, over "nine".
    const first = agreeOnHypothesis(INITIAL_AGREEMENT_STATE, [{ word: 'three', startSec: 0.7, endSec: 1.0 }]);
    const second = agreeOnHypothesis(first.state, [{ word: 'three', startSec: 0.7, endSec: 1.2 }]);
    const third = agreeOnHypothesis(second.state, [
      { word: 'three', startSec: 0.7, endSec: 1.0 },
      { word: 'nine', startSec: 1.05, endSec: 1.3 },
    ]);
    expect(flushAgreement(third.state).state.committed.map((w) => w.word)).toEqual(['three', 'nine']);
  });

  test('the state is never mutated', () => {
    const state = agreeOnHypothesis(INITIAL_AGREEMENT_STATE, hyp('a b')).state;
    const snapshot = JSON.stringify(state);
    agreeOnHypothesis(state, hyp('a b c'));
    flushAgreement(state, hyp('a b c'));
    expect(JSON.stringify(state)).toBe(snapshot);
  });
});

describe('flushAgreement', () => {
  test.each<[string, string[], string | undefined, string, string]>([
    ['commits the pending hypothesis', ['hello world'], undefined, 'hello world', 'hello world'],
    ['commits a final hypothesis instead', ['hello word'], 'hello world again', 'hello world again', 'hello world again'],
    ['keeps what was committed and adds the rest', ['a b', 'a b c'], 'a b c d', 'c d', 'a b c d'],
    ['drops a repeat of the committed tail', ['a b', 'a b'], 'b@0.5 c@0.8', 'c', 'a b c'],
    ['nothing pending commits nothing', [], undefined, '', ''],
  ])('%s', (_label, hypotheses, finalText, flushed, total) => {
    const { state } = runSteps(hypotheses);
    const update = flushAgreement(state, finalText === undefined ? undefined : hyp(finalText));
    expect(joinWords(update.committed)).toBe(flushed);
    expect(update.unstable).toEqual([]);
    expect(update.state.pending).toEqual([]);
    expect(joinWords(update.state.committed)).toBe(total);
  });
});

test.each([
  ['Hello,', 'hello'],
  ['WORLD.', 'world'],
  ["don't", 'dont'],
  ['ｆｕｌｌ', 'full'],
  ['¿qué?', 'qué'],
  ['...', ''],
])('normalizeWord(%p) = %p', (word, normalized) => {
  expect(normalizeWord(word)).toBe(normalized);
});
