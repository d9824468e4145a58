import { ApiError } from '../errors';
import { StreamSlots } from './stream-slots';

describe('StreamSlots', () => {
  test('refuses while not ready, past the global cap and past the per-address cap; release gives the slot back once', () => {
    const slots = new StreamSlots(3, 2);
    expect((slots.tryAdmit('a', false) as ApiError).code).toBe('not_ready');
    const a1 = slots.tryAdmit('a', true);
    const a2 = slots.tryAdmit('a', true);
    expect(typeof a1).toBe('function');
    expect(typeof a2).toBe('function');
    expect(slots.tryAdmit('a', true)).toMatchObject({ code: 'too_many_streams_per_client', message: expect.stringMatching(/per client address/) });
    const b1 = slots.tryAdmit('b', true);
    expect(typeof b1).toBe('function');
    expect((slots.tryAdmit('c', true) as ApiError).code).toBe('too_many_streams');
    expect(slots.openStreams).toBe(3);
    (a1 as () => void)();
    (a1 as () => void)(); // idempotent
    expect(slots.openStreams).toBe(2);
    expect(typeof slots.tryAdmit('a', true)).toBe('function');
  });
});
