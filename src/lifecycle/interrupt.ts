// Ctrl-C / SIGTERM handling shared by all long-running commands: the first signal asks
// the current phase to stop and clean up; a second one exits at once with a hint.

import { InterruptedError } from '../errors';

type Hint = () => string | undefined;

let requested = false;
let installed = false;
let hint: Hint = () => undefined;
const listeners = new Set<() => void>();

export function interruptRequested(): boolean {
  return requested;
}

/** What to print if the operator insists (second Ctrl-C), e.g. the clean command. */
export function setInterruptHint(h: Hint): void {
  hint = h;
}

/** Called once on the first signal. Returns an unsubscribe function. */
export function onInterrupt(fn: () => void): () => void {
  listeners.add(fn);
  if (requested) queueMicrotask(fn);
  return () => listeners.delete(fn);
}

/** Throws InterruptedError if a stop was requested; call between units of work. */
export function checkInterrupted(): void {
  if (requested) throw new InterruptedError('interrupted');
}

export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  const handle = (sig: NodeJS.Signals) => {
    if (requested) {
      const h = hint();
      process.stderr.write(`\nstresshm: second ${sig}, exiting now.${h ? ` ${h}` : ''}\n`);
      process.exit(130);
    }
    requested = true;
    process.stderr.write(`\nstresshm: ${sig} received, stopping and cleaning up (press Ctrl-C again to exit at once)\n`);
    for (const fn of listeners) fn();
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}

/** Test hook: forget a previous interrupt. */
export function resetInterruptForTests(): void {
  requested = false;
  listeners.clear();
}
