// The run's terminal face: subscribes the live dashboard and the notices to the run's events.
// Quiet runs (nested in a search) simply do not subscribe.

import { PhaseName, RunEvents } from './events';
import { Dashboard } from '../terminal/dashboard';
import { say } from '../lifecycle/output';

/** What the operator reads when a phase begins (the others announce themselves). */
const PHASE_LINES: Partial<Record<PhaseName, string>> = {
  drain: 'Sending stopped; waiting for the health manager to drain before removing anything...',
  clean: 'Removing the ghosts...',
};

export function attachTerminal(events: RunEvents, out: NodeJS.WriteStream, intervalSecs: number): void {
  const dash = new Dashboard(out, Boolean(out.isTTY), intervalSecs);
  events.on('sample', (e) => dash.update(e.state));
  events.on('notice', (e) => {
    dash.release();
    say(`stresshm: ${e.text}\n`);
  });
  events.on('phase', (e) => {
    const line = PHASE_LINES[e.name];
    if (!line) return;
    dash.release();
    out.write(`${line}\n`);
  });
}
