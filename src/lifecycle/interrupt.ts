// Stop requests shared by all long-running commands. SIGINT, SIGTERM, SIGHUP (a lost SSH
// session) and a closed standard output all ask the current phase to stop and clean up; a
// second signal exits at once, printing what the operator must still do (the clean command).

import { InterruptedError } from '../errors';
import { guardStdio, say } from './output';

type Hint = () => string | undefined;

let reason: string | undefined;
let installed = false;
let hint: Hint = () => undefined;
const listeners = new Set<() => void>();

export function interruptRequested(): boolean {
  return reason !== undefined;
}

/** Why the run was asked to stop ("SIGINT", "stdout closed", ...), if it was. */
export function interruptReason(): string | undefined {
  return reason;
}

/** What to print if the operator insists (second Ctrl-C), e.g. the clean command. */
export function setInterruptHint(h: Hint): void {
  hint = h;
}

/** Called once on the first stop request. Returns an unsubscribe function. */
export function onInterrupt(fn: () => void): () => void {
  listeners.add(fn);
  if (reason !== undefined) queueMicrotask(fn);
  return () => listeners.delete(fn);
}

/** Throws InterruptedError if a stop was requested; call between units of work. */
export function checkInterrupted(): void {
  if (reason !== undefined) throw new InterruptedError(`interrupted (${reason})`);
}

/** Asks every phase to stop and clean up; the first request wins, later ones are ignored. */
export function requestStop(why: string): void {
  if (reason !== undefined) return;
  reason = why;
  say(`\nstresshm: ${why}: stopping and cleaning up (press Ctrl-C again to exit at once)\n`);
  for (const fn of listeners) fn();
}

function onSignal(sig: NodeJS.Signals): void {
  if (reason !== undefined && sig !== 'SIGHUP') {
    const h = hint();
    say(`\nstresshm: second ${sig}, exiting now.${h ? ` ${h}` : ''}\n`);
    process.exit(130);
  }
  requestStop(sig);
}

export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
  guardStdio(() => requestStop('standard output closed'));
}
