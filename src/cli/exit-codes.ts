/** The CLI's exit codes (documented in `--help`). */
export const EXIT = {
  /** Everything asked for was done. */
  ok: 0,
  /** A transcription failed: the server (or the in-process engine) refused or failed it; its message is shown. */
  failed: 1,
  /** A usage error: unknown option, missing or bad argument. */
  usage: 2,
  /** An input or the server is unreachable: a file not found or unreadable, connection refused, DNS failure. */
  unavailable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as one line on stderr (no stack) and exits with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

/** The `--help` text that explains the exit codes. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  a transcription failed (the server's or engine's error message is printed), or a stream ended abnormally
  2  usage error (unknown option, missing or invalid argument)
  3  cannot read an input file, or cannot connect to the server (--url)`;
