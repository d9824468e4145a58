import cliProgress from 'cli-progress';

/** A stream the CLI writes to: stderr in practice, a fake terminal in tests. */
export interface OutputStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  /** Terminal width in characters (TTYs only). */
  columns?: number;
}

/** What a progress bar counts: bytes uploaded, or seconds of audio processed. */
export type ProgressUnit = 'bytes' | 'seconds';

/**
 * Progress of one long step (an upload, a file's audio). On a terminal it is a bar redrawn in place on stderr
 * and erased when the step ends; anywhere else (a pipe, a file, `--no-progress`) it writes nothing.
 */
export interface Progress {
  /** Starts a step; `total` in `unit`s when known (else only the count is shown). */
  begin(label: string, total: number | undefined, unit: ProgressUnit): void;
  /** The count so far, in the step's unit. */
  update(value: number): void;
  /** Ends the step and erases the bar. */
  end(): void;
}

export const NO_PROGRESS: Progress = { begin() {}, update() {}, end() {} };

/** A progress bar on `stream` when it is a terminal and `enabled`; otherwise silence. */
export function createProgress(stream: OutputStream, enabled = true): Progress {
  return enabled && stream.isTTY === true ? new TerminalProgress(stream) : NO_PROGRESS;
}

export function formatAmount(value: number, unit: ProgressUnit): string {
  if (unit === 'seconds') return `${value.toFixed(1)} s`;
  if (value < 1024) return `${Math.round(value)} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${(value / (1024 * 1024)).toFixed(1)} MiB`;
}

const KNOWN_TOTAL = '{label} [{bar}] {percentage}% | {done} / {todo}';
const UNKNOWN_TOTAL = '{label} {done}';

class TerminalProgress implements Progress {
  private bar: cliProgress.SingleBar | null = null;
  private unit: ProgressUnit = 'bytes';
  private total: number | undefined;

  constructor(private readonly stream: OutputStream) {}

  begin(label: string, total: number | undefined, unit: ProgressUnit): void {
    this.end();
    this.unit = unit;
    this.total = total !== undefined && total > 0 ? total : undefined;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream as NodeJS.WritableStream,
        format: this.total === undefined ? UNKNOWN_TOTAL : KNOWN_TOTAL,
        barsize: 30,
        clearOnComplete: true,
        hideCursor: false,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(this.total ?? 1, 0, { label, done: formatAmount(0, unit), todo: this.total === undefined ? '' : formatAmount(this.total, unit) });
  }

  update(value: number): void {
    if (!this.bar) return;
    // Estimates of a total (a container's duration) can be a little short: the bar stops at 100%.
    const shown = this.total === undefined ? 0 : Math.min(value, this.total);
    this.bar.update(shown, { done: formatAmount(value, this.unit) });
  }

  end(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
