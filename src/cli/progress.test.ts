import { createProgress, formatAmount, NO_PROGRESS } from './progress';
import { fakeStream } from '../../tests/fixtures/fake-terminal';

describe('progress bar', () => {
  test('on a terminal: a bar redrawn in place with the percentage and amounts, erased at the end', () => {
    const tty = fakeStream(true);
    const progress = createProgress(tty);
    progress.begin('uploading a.mp3', 2 * 1024 * 1024, 'bytes');
    progress.update(1024 * 1024);
    progress.end();
    expect(tty.written).toContain('uploading a.mp3');
    expect(tty.written).toMatch(/50% \| 1\.0 MiB \/ 2\.0 MiB/);
    // Redrawn in place (cursor to column 1 and erase), never a new line.
    expect(tty.written).toMatch(/\x1b\[1G/);
    expect(tty.written).not.toContain('\n');
    // Erased when done: the last thing written clears the line.
    expect(tty.written.endsWith('\x1b[2K')).toBe(true);
  });

  test('an unknown total shows only the amount; values past an estimated total stop at 100%', () => {
    const tty = fakeStream(true);
    const unknown = createProgress(tty);
    unknown.begin('transcribing a.ogg', undefined, 'seconds');
    unknown.update(12.34);
    unknown.end();
    expect(tty.written).toMatch(/transcribing a\.ogg 12\.3 s/);
    expect(tty.written).not.toMatch(/%/);

    const over = fakeStream(true);
    const bar = createProgress(over);
    bar.begin('transcribing a.mp3', 10, 'seconds');
    bar.update(10.5);
    bar.end();
    expect(over.written).toMatch(/100% \| 10\.5 s \/ 10\.0 s/);
  });

  test('piped (not a terminal) or --no-progress: nothing is written', () => {
    const pipe = fakeStream(false);
    expect(createProgress(pipe)).toBe(NO_PROGRESS);
    expect(createProgress(fakeStream(true), false)).toBe(NO_PROGRESS);
    const p = createProgress(pipe);
    p.begin('x', 10, 'bytes');
    p.update(5);
    p.end();
    expect(pipe.written).toBe('');
  });

  test.each([
    [512, 'bytes', '512 B'],
    [1536, 'bytes', '1.5 KiB'],
    [3 * 1024 * 1024, 'bytes', '3.0 MiB'],
    [61.25, 'seconds', '61.3 s'],
  ] as const)('formatAmount(%p, %s) = %s', (value, unit, shown) => {
    expect(formatAmount(value, unit)).toBe(shown);
  });
});
