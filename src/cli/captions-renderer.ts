import type { OutputStream } from './progress';

/** Carriage return + erase the line: the partial line is redrawn in place. */
const CLEAR_LINE = '\r\x1b[2K';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

export interface RenderOptions {
  /** Redraw partials in place (a terminal); otherwise only finals are written, as plain lines. */
  tty: boolean;
  /** Prefix each final with its start and end time in the stream. */
  timestamps: boolean;
}

/** `HH:MM:SS.mmm` of seconds from the start of the stream. */
export function clock(sec: number): string {
  const ms = Math.max(0, Math.round(sec * 1000));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/**
 * Writes live captions: on a terminal the open utterance's partial is one line redrawn in place (stable text
 * plain, unstable text dimmed, cut from the left to fit the width), replaced by its final when it comes; when
 * piped, one final per line and nothing else (no control characters).
 */
export class CaptionsRenderer {
  private partialShown = false;

  constructor(
    private readonly out: OutputStream,
    private readonly options: RenderOptions,
  ) {}

  partial(stableText: string, unstableText: string): void {
    if (!this.options.tty) return;
    const width = Math.max(10, (this.out.columns || 80) - 1);
    const separator = stableText && unstableText ? ' ' : '';
    const full = stableText + separator + unstableText;
    // Keep the end of the line, where the words are arriving.
    const from = full.length > width ? full.length - (width - 1) : 0;
    const visible = full.slice(from);
    const dimFrom = Math.max(0, stableText.length + separator.length - from);
    const plain = visible.slice(0, dimFrom);
    const dim = visible.slice(dimFrom);
    this.out.write(`${CLEAR_LINE}${from > 0 ? '…' : ''}${plain}${dim ? `${DIM}${dim}${RESET}` : ''}`);
    this.partialShown = true;
  }

  final(text: string, startSec: number, endSec: number): void {
    this.clearPartial();
    if (!text.trim()) return;
    this.out.write(`${this.options.timestamps ? `[${clock(startSec)} --> ${clock(endSec)}] ` : ''}${text}\n`);
  }

  /** Erases the partial line (before a message on another stream, or at the end). */
  clearPartial(): void {
    if (this.partialShown) this.out.write(CLEAR_LINE);
    this.partialShown = false;
  }
}
