import { SerialTasks } from './serial-tasks';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SerialTasks', () => {
  test('runs tasks one at a time in order; a failure rejects only its own caller', async () => {
    const tasks = new SerialTasks();
    const log: string[] = [];
    const step = (name: string, fail = false) => async () => {
      log.push(`${name}:start`);
      await tick();
      log.push(`${name}:end`);
      if (fail) throw new Error(name);
      return name;
    };
    const a = tasks.run(step('a'));
    const b = tasks.run(step('b', true));
    const c = tasks.run(step('c'));
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('b');
    await expect(c).resolves.toBe('c');
    await tasks.settled;
    expect(log).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });

  test('pumps are coalesced while one waits to start, and queued again once it has started', async () => {
    const tasks = new SerialTasks();
    let pumps = 0;
    let release!: () => void;
    const blocker = tasks.run(() => new Promise<void>((resolve) => (release = resolve)));
    for (let i = 0; i < 5; i++) tasks.schedulePump(async () => void pumps++);
    await tick(); // the blocker has started (its task runs after the queue's tail settles)
    release();
    await blocker;
    await tasks.settled;
    expect(pumps).toBe(1);
    tasks.schedulePump(async () => void pumps++);
    await tasks.settled;
    expect(pumps).toBe(2);
  });
});
