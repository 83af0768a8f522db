// Error types that carry the process exit status the CLI must use, and the one-line,
// terminal-safe rendering of an error the operator sees.
// 2 = usage or configuration error, 3 = environment error (database or endpoints unusable).

export const EXIT_OK = 0;
export const EXIT_SLA_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_ENV = 3;
export const EXIT_INTERRUPTED = 130;

/** A problem the operator can fix in the command line or configuration. */
export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;
}

/**
 * The environment is unusable: database unreachable, not Octavia, endpoints broken.
 * Found before anything was written, a caller may ask for exit status 2 instead.
 */
export class EnvError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_ENV,
  ) {
    super(message);
  }
}

/** The run was interrupted by SIGINT/SIGTERM. */
export class InterruptedError extends Error {
  readonly exitCode = EXIT_INTERRUPTED;
}

export function exitCodeOf(err: unknown): number {
  if (err && typeof err === 'object' && 'exitCode' in err) {
    const code = (err as { exitCode: unknown }).exitCode;
    if (typeof code === 'number') return code;
  }
  return 1;
}

/**
 * Escapes what a terminal would interpret: C0 controls (ESC starts every escape sequence),
 * DEL, C1 controls (0x9b is a one-byte CSI) and bidirectional overrides. Idempotent, so a
 * text escaped for one output can be embedded in an error that is escaped again.
 */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point (escaping them)
  return text.replace(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

/** One line, no stack, no control characters: what the operator sees. */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return printable(msg.replace(/[ \t]*\r?\n\s*/g, ' ').trim());
}
