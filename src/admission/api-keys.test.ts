import crypto from 'node:crypto';
import { ApiKeySet } from './api-keys';

describe('ApiKeySet', () => {
  const keys = new ApiKeySet(['sk-local-0123456789', 'second-key']);

  test.each([
    ['the first key', 'sk-local-0123456789', true],
    ['the second key', 'second-key', true],
    ['a key differing in its last character', 'sk-local-0123456788', false],
    ['a prefix of a key (shorter)', 'sk-local-01234', false],
    ['a key with a character more (longer)', 'sk-local-0123456789x', false],
    ['a much longer string', 'x'.repeat(10_000), false],
    ['the empty string', '', false],
    ['another case', 'SK-LOCAL-0123456789', false],
  ])('%s → %s', (_label, candidate, expected) => {
    expect(keys.matches(candidate)).toBe(expected);
  });

  test('compares fixed-length digests with timingSafeEqual, every key, whatever the candidate length', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      for (const candidate of ['sk-local-0123456789', 'a', 'x'.repeat(500)]) {
        spy.mockClear();
        keys.matches(candidate);
        // Both keys are compared (no early exit on the first, matching one), always 32 bytes against 32 bytes.
        expect(spy).toHaveBeenCalledTimes(2);
        for (const [a, b] of spy.mock.calls) {
          expect((a as Buffer).length).toBe(32);
          expect((b as Buffer).length).toBe(32);
        }
      }
    } finally {
      spy.mockRestore();
    }
  });

  test('an empty set matches nothing and reports size 0; duplicates count once', () => {
    expect(new ApiKeySet([]).size).toBe(0);
    expect(new ApiKeySet([]).matches('')).toBe(false);
    expect(new ApiKeySet(['a', 'a', 'b']).size).toBe(2);
  });
});
