import { DecodedAudioBudget } from './decoded-audio-budget';

describe('DecodedAudioBudget', () => {
  test('leases reserve up to the budget and give it back on release', () => {
    const budget = new DecodedAudioBudget(100);
    const a = budget.lease();
    const b = budget.lease();
    expect(a.reserve(60)).toBe(true);
    expect(b.reserve(50)).toBe(false); // would pass 100: refused, nothing taken
    expect(b.reserve(40)).toBe(true);
    expect(budget.inUseBytes).toBe(100);
    a.release();
    a.release(); // idempotent
    expect(budget.inUseBytes).toBe(40);
    expect(a.reserve(1)).toBe(false); // a released lease reserves nothing more
    expect(b.reserve(60)).toBe(true);
    b.release();
    expect(budget.inUseBytes).toBe(0);
  });
});
