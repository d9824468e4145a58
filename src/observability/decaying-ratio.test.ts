import { DecayingRatio } from './decaying-ratio';

describe('DecayingRatio', () => {
  test('null until something is added', () => {
    expect(new DecayingRatio(1000).value).toBeNull();
  });

  test('weights by the denominator: a long item counts more than a short one at the same time', () => {
    const r = new DecayingRatio(1000, () => 0);
    r.add(1, 10); // 0.1
    r.add(1, 1); // 1.0
    expect(r.value).toBeCloseTo(2 / 11, 10);
  });

  test('one half-life later the old sums count half', () => {
    let now = 0;
    const r = new DecayingRatio(1000, () => now);
    r.add(1, 1); // ratio 1
    now = 1000;
    r.add(0.5, 1); // ratio 0.5
    expect(r.value).toBeCloseTo((0.5 + 0.5) / (0.5 + 1), 10);
    now = 101_000; // 100 half-lives: only the newest counts
    r.add(0.2, 1);
    expect(r.value).toBeCloseTo(0.2, 6);
  });
});
