import { WorkerBusyClock } from './worker-busy-clock';

/** A clock on a hand-driven time. */
function setup() {
  let nowMs = 1000;
  const clock = new WorkerBusyClock(() => nowMs);
  return { clock, advance: (ms: number) => (nowMs += ms) };
}

describe('WorkerBusyClock', () => {
  test('a task alone is charged its wall time', () => {
    const { clock, advance } = setup();
    advance(500); // idle before: charged to nobody
    const end = clock.begin();
    expect(clock.activeTasks).toBe(1);
    advance(40);
    expect(end()).toBe(40);
    expect(end()).toBe(40); // ending again returns the same charge
    expect(clock.activeTasks).toBe(0);
  });

  test('interleaved tasks share the time they overlap: the charges add up to the busy time, not the sum of wall times', () => {
    const { clock, advance } = setup();
    const a = clock.begin();
    advance(10); // a alone: 10
    const b = clock.begin();
    const c = clock.begin();
    advance(30); // three active: 10 each
    const charged = { a: a(), b: 0, c: 0 };
    advance(20); // b and c: 10 each
    charged.b = b();
    advance(5); // c alone: 5
    charged.c = c();
    expect(charged).toEqual({ a: 20, b: 20, c: 25 });
    // Busy 65 ms in all (10 + 30 + 20 + 5); the wall times would add up to 40 + 50 + 55 = 145.
    expect(charged.a + charged.b + charged.c).toBe(65);
  });

  test.each([1, 4, 16])('%p tasks started and ended together are each charged 1/n of the span', (n) => {
    const { clock, advance } = setup();
    const ends = Array.from({ length: n }, () => clock.begin());
    advance(80);
    const charges = ends.map((end) => end());
    for (const ms of charges) expect(ms).toBeCloseTo(80 / n, 9);
  });

  test('time between tasks is charged to no one', () => {
    const { clock, advance } = setup();
    const a = clock.begin();
    advance(10);
    expect(a()).toBe(10);
    advance(1000);
    const b = clock.begin();
    advance(5);
    expect(b()).toBe(5);
  });
});
