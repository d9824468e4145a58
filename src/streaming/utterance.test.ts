import { StreamWord } from './local-agreement';
import { Utterance } from './utterance';

const RATE = 16000;
const w = (word: string, startSec: number, endSec: number): StreamWord => ({ word, startSec, endSec });

describe('Utterance', () => {
  test('recognizer words are shifted to stream time by the window start', () => {
    expect(Utterance.toStreamWords([{ word: 'hi', startSec: 0.1, endSec: 0.3 }], 2 * RATE)).toEqual([w('hi', 2.1, 2.3)]);
  });

  test.each<[string, StreamWord[][], number]>([
    ['nothing committed: the window stays at the utterance start', [[w('a', 1.1, 1.3)]], 1.0],
    ['a commit with a next word: midway between them', [[w('a', 1.1, 1.3), w('b', 1.5, 1.7)], [w('a', 1.1, 1.3), w('b', 1.5, 1.7), w('c', 1.9, 2.0)]], 1.8],
    ['a commit of everything heard: at the last word end', [[w('a', 1.1, 1.3)], [w('a', 1.1, 1.3)]], 1.3],
  ])('window trimming: %s', (_label, hypotheses, expectedStartSec) => {
    const utterance = new Utterance(0, RATE);
    for (const words of hypotheses) utterance.applyHypothesis(words, 2.5 * RATE);
    expect(utterance.windowStartSample / RATE).toBeCloseTo(expectedStartSec, 3);
  });

  test('partials: an unchanged hypothesis emits nothing; deltas build the stable text', () => {
    const utterance = new Utterance(3, 0);
    const first = utterance.applyHypothesis([w('Hello', 0.1, 0.4)], 8000);
    expect(first).toMatchObject({ utteranceIndex: 3, stableText: '', stableDelta: '', unstableText: 'Hello', text: 'Hello' });
    const second = utterance.applyHypothesis([w('hello', 0.1, 0.4)], 9000);
    expect(second).toMatchObject({ stableText: 'hello', stableDelta: 'hello', unstableText: '', text: 'hello' });
    expect(utterance.applyHypothesis([w('hello', 0.1, 0.4)], 10000)).toBeNull();
    const fourth = utterance.applyHypothesis([w('hello', 0.1, 0.4), w('world', 0.5, 0.8)], 16000);
    expect(fourth).toMatchObject({ stableText: 'hello', stableDelta: '', unstableText: 'world', text: 'hello world' });
    const final = utterance.finish([w('world', 0.5, 0.8), w('again', 0.9, 1.1)], 20000, 'silence');
    expect(final).toMatchObject({ text: 'hello world again', stableDelta: ' world again', startSec: 0, endSec: 1.25, reason: 'silence' });
  });

  test.each<[string, string[], string]>([
    ['more words: the delta is the new words', ['the', 'quick', 'brown', 'fox'], ' fox'],
    ['the same words: nothing to add', ['the', 'quick', 'brown'], ''],
    ['a longer last word ("brown" -> "browns"): a revision, no delta (not " s" after the sent word)', ['the', 'quick', 'browns'], ''],
    ['different words: a revision', ['a', 'quick', 'brown', 'fox'], ''],
  ])('finishWhole: %s', (_label, finalWords, expectedDelta) => {
    const utterance = new Utterance(0, 0);
    const said = [w('the', 0.1, 0.2), w('quick', 0.3, 0.5), w('brown', 0.6, 0.8)];
    utterance.applyHypothesis(said, 16000);
    expect(utterance.applyHypothesis(said, 17600)).toMatchObject({ stableText: 'the quick brown' });
    const final = utterance.finishWhole(finalWords.map((word, i) => w(word, 0.1 + i * 0.3, 0.3 + i * 0.3)), 20000, 'silence');
    expect(final).toMatchObject({ text: finalWords.join(' '), stableDelta: expectedDelta });
  });

  test('split ends at the committed boundary and carries the pending words on', () => {
    const utterance = new Utterance(0, 0);
    utterance.applyHypothesis([w('a', 0.1, 0.3), w('b', 0.5, 0.7)], 16000);
    utterance.applyHypothesis([w('a', 0.1, 0.3), w('b', 0.5, 0.7), w('c', 0.9, 1.0)], 17600);
    const { final, next } = utterance.split(1);
    expect([final.text, final.reason, final.endSec]).toEqual(['a b', 'max_length', 0.8]);
    expect([next.index, next.startSample / RATE]).toEqual([1, 0.8]);
    const partial = next.applyHypothesis([w('c', 0.9, 1.05), w('d', 1.2, 1.4)], 24000);
    expect(partial).toMatchObject({ stableText: 'c', unstableText: 'd' });
  });
});
