import { segmentWords } from './transcript';

const w = (word: string, startSec: number, endSec: number) => ({ word, startSec, endSec });

describe('segmentWords', () => {
  test('no words, no segments', () => {
    expect(segmentWords([])).toEqual([]);
  });

  test('splits at pauses of 0.8 s or more', () => {
    const segments = segmentWords([w('a', 0, 0.3), w('b', 0.4, 0.6), w('c', 1.5, 1.6), w('d', 1.7, 2)]);
    expect(segments.map((s) => [s.id, s.text, s.startSec, s.endSec])).toEqual([
      [0, 'a b', 0, 0.6],
      [1, 'c d', 1.5, 2],
    ]);
  });

  test('splits segments longer than 15 s', () => {
    const words = Array.from({ length: 40 }, (_, i) => w(`w${i}`, i * 0.5, i * 0.5 + 0.4));
    const segments = segmentWords(words, 5);
    expect(segments.length).toBe(2);
    expect(segments[0].id).toBe(5);
    expect(segments[0].endSec - segments[0].startSec).toBeLessThanOrEqual(15);
    expect(segments.flatMap((s) => s.words)).toEqual(words);
  });
});
