import { clientAddress, PerIpCounter } from './per-ip-counter';

describe('PerIpCounter', () => {
  test('caps each address separately and frees slots on release', () => {
    const c = new PerIpCounter(2);
    expect([c.tryAcquire('a'), c.tryAcquire('a'), c.tryAcquire('a')]).toEqual([true, true, false]);
    expect(c.tryAcquire('b')).toBe(true);
    expect(c.count('a')).toBe(2);
    c.release('a');
    expect(c.tryAcquire('a')).toBe(true);
    c.release('a');
    c.release('a');
    c.release('b');
    expect(c.keys).toBe(0);
  });

  test('a release without an acquire never goes below zero', () => {
    const c = new PerIpCounter(1);
    c.release('a');
    expect(c.count('a')).toBe(0);
    expect(c.tryAcquire('a')).toBe(true);
    expect(c.tryAcquire('a')).toBe(false);
  });

  test.each([
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['127.0.0.2', '127.0.0.2'],
    ['::1', '::1'],
    [undefined, 'unknown'],
  ])('clientAddress(%s) = %s', (input, expected) => {
    expect(clientAddress(input)).toBe(expected);
  });
});
