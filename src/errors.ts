// Error types that carry the process exit status the CLI must use.
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

/** The environment is unusable: database unreachable, not Octavia, endpoints broken. */
export class EnvError extends Error {
  readonly exitCode = EXIT_ENV;
  /** Environment errors found before anything was written keep exit status 2 when asked. */
  constructor(message: string, readonly code: number = EXIT_ENV) {
    super(message);
  }
}

/** The run was interrupted by SIGINT/SIGTERM. */
export class InterruptedError extends Error {
  readonly exitCode = EXIT_INTERRUPTED;
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof EnvError) return err.code;
  if (err && typeof err === 'object' && 'exitCode' in err) {
    const code = (err as { exitCode: unknown }).exitCode;
    if (typeof code === 'number') return code;
  }
  return 1;
}

/** One line, no stack, no secrets: what the operator sees. */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s*\n\s*/g, ' ').trim();
}
