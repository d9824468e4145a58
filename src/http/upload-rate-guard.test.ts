import type { Socket } from 'node:net';
import { uploadRateGuard } from './upload-rate-guard';

/** A socket whose byte count the test moves. */
function fakeSocket(): { socket: Socket; add(bytes: number): void } {
  const state = { bytesRead: 0 };
  return { socket: state as unknown as Socket, add: (bytes) => (state.bytesRead += bytes) };
}

describe('uploadRateGuard', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('a trickle below the minimum is reported once, after one window', () => {
    const { socket, add } = fakeSocket();
    const onTooSlow = jest.fn();
    uploadRateGuard(socket, { minBytesPerSec: 1000, windowSec: 2 }, onTooSlow);
    for (let i = 0; i < 7; i++) {
      add(1); // one byte every 250 ms
      jest.advanceTimersByTime(250);
    }
    expect(onTooSlow).not.toHaveBeenCalled(); // not a whole window yet
    jest.advanceTimersByTime(250);
    expect(onTooSlow).toHaveBeenCalledTimes(1);
    expect(onTooSlow.mock.calls[0][0]).toBeLessThan(1000);
    jest.advanceTimersByTime(5000);
    expect(onTooSlow).toHaveBeenCalledTimes(1);
  });

  test('a steady upload above the minimum is never cut, even with a pause shorter than the window allows', () => {
    const { socket, add } = fakeSocket();
    const onTooSlow = jest.fn();
    const guard = uploadRateGuard(socket, { minBytesPerSec: 1000, windowSec: 2 }, onTooSlow);
    for (let i = 0; i < 40; i++) {
      if (i % 8 !== 0) add(600); // 2,400 bytes/s with one silent tick in eight
      jest.advanceTimersByTime(250);
    }
    expect(onTooSlow).not.toHaveBeenCalled();
    guard.stop();
  });

  test('minBytesPerSec 0 disables the guard', () => {
    const { socket } = fakeSocket();
    const onTooSlow = jest.fn();
    uploadRateGuard(socket, { minBytesPerSec: 0, windowSec: 1 }, onTooSlow);
    jest.advanceTimersByTime(10_000);
    expect(onTooSlow).not.toHaveBeenCalled();
  });
});
