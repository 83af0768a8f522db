// The run's terminal face: subscribes the live dashboard and the notices to the run's events.
// Quiet runs (nested in a search) simply do not subscribe.

import { RunEvents } from './events';
import { Dashboard } from '../terminal/dashboard';
import { say } from '../lifecycle/output';

export function attachTerminal(events: RunEvents, out: NodeJS.WriteStream, intervalSecs: number): void {
  const dash = new Dashboard(out, Boolean(out.isTTY), intervalSecs);
  events.on('sample', (e) => dash.update(e.state));
  events.on('notice', (e) => {
    dash.release();
    say(`stresshm: ${e.text}\n`);
  });
  events.on('phase', (e) => {
    if (e.name === 'clean' || e.name === 'judge') dash.release();
  });
}
