import { BatchHold } from './batch-hold';

describe('BatchHold', () => {
  let now = 1000;
  const clock = () => now;
  afterEach(() => jest.useRealTimers());

  test('never holds without a wait, without batching, or when batching does not pay', () => {
    const expire = jest.fn();
    expect(new BatchHold(8, 0, () => true, expire, clock).shouldHold('m', now, true)).toBe(false);
    expect(new BatchHold(1, 20, () => true, expire, clock).shouldHold('m', now, true)).toBe(false);
    expect(new BatchHold(8, 20, () => false, expire, clock).shouldHold('m', now, true)).toBe(false);
  });

  test('a lone job (no other worker busy, the last batch alone) is not held; with load it is, until its wait ends', () => {
    jest.useFakeTimers();
    const expire = jest.fn();
    const hold = new BatchHold(8, 20, () => true, expire, clock);
    expect(hold.shouldHold('m', now, false)).toBe(false);
    expect(hold.shouldHold('m', now, true)).toBe(true);
    hold.noteBatch('m', 3); // the model batched lately: worth holding even with the other workers idle
    expect(hold.shouldHold('m', now, false)).toBe(true);
    now += 25; // past the oldest job's wait
    expect(hold.shouldHold('m', 1000, true)).toBe(false);
  });

  test('one timer calls back when the earliest wait ends; cancel clears it', () => {
    jest.useFakeTimers();
    now = 0;
    const expire = jest.fn();
    const hold = new BatchHold(8, 20, () => true, expire, clock);
    expect(hold.shouldHold('m', 0, true)).toBe(true);
    expect(hold.shouldHold('m', 5, true)).toBe(true); // a later deadline: the armed timer stays
    jest.advanceTimersByTime(19);
    expect(expire).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(expire).toHaveBeenCalledTimes(1);
    expect(hold.shouldHold('m', 10, true)).toBe(true);
    hold.cancel();
    jest.advanceTimersByTime(100);
    expect(expire).toHaveBeenCalledTimes(1);
  });
});
