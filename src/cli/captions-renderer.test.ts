import { CaptionsRenderer, clock } from './captions-renderer';
import { fakeStream, screen } from '../../tests/fixtures/fake-terminal';

describe('captions renderer', () => {
  test('on a terminal: partials redrawn in place (unstable words dimmed), each final replacing them on its own line', () => {
    const tty = fakeStream(true);
    const r = new CaptionsRenderer(tty, { tty: true, timestamps: false });
    r.partial('', 'hel');
    r.partial('hello', 'wor');
    expect(screen(tty.written)).toBe('hello wor');
    expect(tty.written).toContain('\x1b[2mwor\x1b[0m');
    r.final('hello world', 0.5, 1.5);
    r.partial('', 'test');
    expect(screen(tty.written)).toBe('hello world\ntest');
    r.final('testing', 2, 3);
    r.clearPartial();
    expect(screen(tty.written)).toBe('hello world\ntesting\n');
  });

  test('a partial longer than the terminal keeps its end, cut with an ellipsis to fit', () => {
    const tty = fakeStream(true, 20);
    const r = new CaptionsRenderer(tty, { tty: true, timestamps: false });
    r.partial('one two three four five', 'six seven');
    const shown = screen(tty.written);
    expect(shown.length).toBe(19);
    expect(shown).toBe('…our five six seven');
    expect(shown.endsWith('six seven')).toBe(true);
  });

  test('piped: only finals, one per line, without control characters; empty finals are skipped', () => {
    const pipe = fakeStream(false);
    const r = new CaptionsRenderer(pipe, { tty: false, timestamps: true });
    r.partial('hello', 'wor');
    r.final('hello world', 0.436, 3.176);
    r.final('', 4, 5);
    r.partial('', 'x');
    r.clearPartial();
    expect(pipe.written).toBe('[00:00:00.436 --> 00:00:03.176] hello world\n');
  });

  test('clock', () => {
    expect(clock(0)).toBe('00:00:00.000');
    expect(clock(3725.5)).toBe('01:02:05.500');
  });
});
