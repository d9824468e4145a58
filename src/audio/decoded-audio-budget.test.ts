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

  test('free gives back part of what a lease holds, never more', () => {
    const budget = new DecodedAudioBudget(100);
    const a = budget.lease();
    expect(a.reserve(80)).toBe(true);
    a.free(30);
    expect(budget.inUseBytes).toBe(50);
    expect(a.reserve(50)).toBe(true); // room again
    a.free(1000); // more than held: only what it holds
    expect(budget.inUseBytes).toBe(0);
    a.release();
    expect(budget.inUseBytes).toBe(0);
  });
});
