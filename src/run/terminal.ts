// The run's terminal face: subscribes the live dashboard and the notices to the run's events.
// Quiet runs (nested in a search, or -q) simply do not subscribe; -v announces every phase.

import { say } from '../lifecycle/output';
import { Dashboard } from '../terminal/dashboard';
import type { PhaseName, RunEvents } from './events';

/** What the operator reads when a phase begins (the others announce themselves). */
const PHASE_LINES: Partial<Record<PhaseName, string>> = {
  drain: 'Sending stopped; waiting for the HM to drain before removing anything...',
  clean: 'Removing the ghosts, then late HM rows until none come for 5 s...',
};

/** -v: every phase announces itself, with the time it began. */
function verboseLine(name: PhaseName, atMs: number): string {
  return `[${new Date(atMs).toISOString().slice(11, 19)}] phase ${name}`;
}

export function attachTerminal(
  events: RunEvents,
  out: NodeJS.WriteStream,
  intervalSecs: number,
  verbose = false,
): void {
  const dash = new Dashboard(out, Boolean(out.isTTY), intervalSecs);
  events.on('sample', (e) => dash.update(e.state));
  events.on('notice', (e) => {
    dash.release();
    say(`stresshm: ${e.text}\n`);
  });
  events.on('phase', (e) => {
    const line = verbose
      ? `${verboseLine(e.name, e.atMs)}${PHASE_LINES[e.name] ? `: ${PHASE_LINES[e.name]}` : ''}`
      : PHASE_LINES[e.name];
    if (!line) return;
    dash.release();
    out.write(`${line}\n`);
  });
}
