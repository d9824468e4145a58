import { StreamGuard } from './stream-guard';

describe('StreamGuard', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());
  const limits = { idleTimeoutMs: 1000, maxAudioMs: 60_000, maxWallMs: 3_600_000 };

  test('trips once when no audio arrives; audio resets the timer', () => {
    const onLimit = jest.fn();
    const guard = new StreamGuard(limits, onLimit);
    jest.advanceTimersByTime(900);
    expect(guard.audioReceived(20)).toBe(true);
    jest.advanceTimersByTime(900);
    expect(onLimit).not.toHaveBeenCalled();
    jest.advanceTimersByTime(200);
    expect(onLimit).toHaveBeenCalledTimes(1);
    expect(onLimit.mock.calls[0]).toEqual(['idle_timeout', expect.stringMatching(/no audio for 1 s/i)]);
    jest.advanceTimersByTime(5000);
    expect(onLimit).toHaveBeenCalledTimes(1);
    expect(guard.audioReceived(40)).toBe(false);
  });

  test('trips when the audio passes the maximum duration', () => {
    const onLimit = jest.fn();
    const guard = new StreamGuard({ ...limits, maxAudioMs: 5000 }, onLimit);
    expect(guard.audioReceived(4999)).toBe(true);
    expect(guard.audioReceived(5001)).toBe(false);
    expect(onLimit).toHaveBeenCalledWith('max_duration', expect.stringContaining('5 s'));
    guard.stop();
  });

  test('trips at the wall-clock limit even while audio keeps arriving', () => {
    const onLimit = jest.fn();
    const guard = new StreamGuard({ ...limits, maxWallMs: 3000 }, onLimit);
    for (let t = 0; t < 2900; t += 100) {
      jest.advanceTimersByTime(100);
      guard.audioReceived(t);
    }
    expect(onLimit).not.toHaveBeenCalled();
    jest.advanceTimersByTime(100);
    expect(onLimit).toHaveBeenCalledWith('max_stream_wall_time', expect.stringContaining('3 s'));
  });

  test('stop() cancels every limit', () => {
    const onLimit = jest.fn();
    const guard = new StreamGuard({ ...limits, maxWallMs: 2000 }, onLimit);
    guard.stop();
    jest.advanceTimersByTime(10_000);
    expect(onLimit).not.toHaveBeenCalled();
  });
});
