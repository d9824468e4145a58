import { NgramTable } from './ngram-table';

describe('NgramTable', () => {
  test('finds stored n-grams by their ids and length, not by a prefix or an extension', () => {
    const table = new NgramTable(3);
    table.set([1, 2, 3], 0, 3, -1.5, 0);
    table.set([1, 2], 0, 2, -0.5, -0.25);
    expect(table.size).toBe(2);
    const abc = table.find([1, 2, 3], 0, 3);
    expect(abc).toBeGreaterThanOrEqual(0);
    expect(table.logProbAt(abc)).toBe(-1.5);
    const ab = table.find([9, 1, 2], 1, 2);
    expect(table.logProbAt(ab)).toBe(-0.5);
    expect(table.backoffAt(ab)).toBe(-0.25);
    expect(table.find([1], 0, 1)).toBe(-1);
    expect(table.find([2, 3], 0, 2)).toBe(-1);
    expect(table.find([1, 2, 3, 4], 0, 4)).toBe(-1);
  });

  test('setting an n-gram again replaces its values', () => {
    const table = new NgramTable(2);
    table.set([4, 5], 0, 2, -1, -2);
    table.set([4, 5], 0, 2, -3, -4);
    expect(table.size).toBe(1);
    const slot = table.find([4, 5], 0, 2);
    expect([table.logProbAt(slot), table.backoffAt(slot)]).toEqual([-3, -4]);
  });

  test('grows past its initial capacity keeping every entry (exact doubles)', () => {
    const table = new NgramTable(4, 1);
    const grams: number[][] = [];
    for (let a = 1; a <= 20; a++) for (let b = 1; b <= 20; b++) grams.push([a, b, (a * b) % 7 + 1, 65534]);
    grams.forEach((g, i) => table.set(g, 0, 4, -i / 3, i / 7));
    expect(table.size).toBe(400);
    grams.forEach((g, i) => {
      const slot = table.find(g, 0, 4);
      expect(table.logProbAt(slot)).toBe(-i / 3);
      expect(table.backoffAt(slot)).toBe(i / 7);
    });
  });

  test('rejects lengths outside 1 … order', () => {
    const table = new NgramTable(2);
    expect(() => table.set([1, 2, 3], 0, 3, 0, 0)).toThrow(RangeError);
    expect(table.find([1, 2, 3], 0, 3)).toBe(-1);
    expect(() => new NgramTable(0)).toThrow(RangeError);
  });

  test('32-bit ids hold word vocabularies beyond 65,534 symbols; 16-bit ones do not tell such ids apart', () => {
    const wide = new NgramTable(2, 16, true);
    wide.set([70_000, 1], 0, 2, -1, 0);
    wide.set([4_464, 1], 0, 2, -2, 0); // 70,000 mod 65,536
    expect(wide.logProbAt(wide.find([70_000, 1], 0, 2))).toBe(-1);
    expect(wide.logProbAt(wide.find([4_464, 1], 0, 2))).toBe(-2);
    expect(wide.size).toBe(2);
  });

  test('backedOffLogProb: the longest stored n-gram plus the back-off weights passed over, else the unknown score', () => {
    const table = new NgramTable(3);
    table.set([1], 0, 1, -1, -0.5);
    table.set([2], 0, 1, -2, -0.25);
    table.set([1, 2], 0, 2, -3, -0.125);
    table.set([2, 1], 0, 2, -4, 0);
    expect(table.backedOffLogProb([1, 2], 1, -9)).toBe(-3);
    expect(table.backedOffLogProb([1, 2, 1], 2, -9)).toBe(-0.125 - 4);
    expect(table.backedOffLogProb([2, 2], 1, -9)).toBe(-0.25 - 2);
    expect(table.backedOffLogProb([1, 7], 1, -9)).toBe(-0.5 - 9);
  });
});
