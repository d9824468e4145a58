import { ConnectionGuard } from './connection-guard';

describe('ConnectionGuard', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('trips once on idle; messages reset the timer', () => {
    const onLimit = jest.fn();
    const guard = new ConnectionGuard(1000, 60_000, onLimit);
    jest.advanceTimersByTime(900);
    guard.touch();
    jest.advanceTimersByTime(900);
    expect(onLimit).not.toHaveBeenCalled();
    jest.advanceTimersByTime(200);
    expect(onLimit).toHaveBeenCalledTimes(1);
    expect(onLimit.mock.calls[0][0]).toBe('idle_timeout');
    jest.advanceTimersByTime(5000);
    expect(onLimit).toHaveBeenCalledTimes(1);
  });

  test('trips when the audio passes the maximum duration', () => {
    const onLimit = jest.fn();
    const guard = new ConnectionGuard(1000, 5000, onLimit);
    expect(guard.checkAudio(4999)).toBe(true);
    expect(guard.checkAudio(5001)).toBe(false);
    expect(onLimit).toHaveBeenCalledWith('max_duration', expect.stringContaining('5 s'));
    guard.stop();
  });
});
