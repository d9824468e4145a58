import { RecentSamples } from './recent-samples';

describe('RecentSamples', () => {
  test('empty: zeros', () => {
    const s = new RecentSamples(4);
    expect([s.size, s.mean(), s.quantile(0.95)]).toEqual([0, 0, 0]);
  });

  test.each([
    [[1, 2, 3, 4], 0.5, 2],
    [[1, 2, 3, 4], 0.95, 4],
    [[4, 3, 2, 1], 0.25, 1],
    [[10], 0.95, 10],
  ])('values %p: quantile %p is %p (nearest rank)', (values, q, expected) => {
    const s = new RecentSamples(8);
    values.forEach((v) => s.add(v));
    expect(s.quantile(q)).toBe(expected);
  });

  test('keeps only the last `capacity` values', () => {
    const s = new RecentSamples(3);
    [100, 100, 1, 2, 3].forEach((v) => s.add(v));
    expect(s.size).toBe(3);
    expect(s.mean()).toBe(2);
    expect(s.quantile(1)).toBe(3);
  });

  test('p95 of 1..100 is 95', () => {
    const s = new RecentSamples(100);
    for (let i = 100; i >= 1; i--) s.add(i);
    expect(s.quantile(0.95)).toBe(95);
  });

  test('refuses a capacity below 1', () => {
    expect(() => new RecentSamples(0)).toThrow(RangeError);
  });
});
