// The one-line status of a quiet run nested in a capacity search or compare: on a terminal it
// says what the step is doing and waiting for (populating, sending, the HM draining, cleaning),
// redrawn in place and cut to the terminal's width, and erased before the step's result line.
// Off a terminal it prints nothing (CI logs keep only the result lines).

import type { PhaseName, RunEvents } from './events';

const DOING: Partial<Record<PhaseName, string>> = {
  resolve: 'reading the ghosts',
  populate: 'writing the ghosts',
  send: 'sending',
  drain: 'waiting for the HM to drain',
  clean: 'removing the ghosts',
  judge: 'judging',
};

/** The status text of a step, fitted to `columns` (one less, so the cursor never wraps). */
export function stepStatus(label: string, doing: string, secs: number, columns: number): string {
  const text = `  ${label}: ${doing} ${Math.floor(secs)} s`;
  return text.length < columns ? text : `${text.slice(0, Math.max(0, columns - 2))}…`;
}

export class StepTracker {
  private drawn = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly out: NodeJS.WriteStream) {}

  /** Follows one step's run: label says which step ("200/s"). */
  follow(events: RunEvents, label: string): void {
    if (!this.out.isTTY) return;
    let doing = 'starting';
    let since = Date.now();
    const draw = () => {
      if (Date.now() - since < 1500) return;
      const cols = this.out.columns || 80;
      this.out.write(`\r${stepStatus(label, doing, (Date.now() - since) / 1000, cols)}\x1b[K`);
      this.drawn = true;
    };
    // a phase shows once it has lasted 1.5 s: short ones stay silent, and the lines a phase
    // prints as it begins (the target database) come before the status, not into it
    events.on('phase', (e) => {
      doing = DOING[e.name] ?? e.name;
      since = e.atMs;
      if (this.drawn) this.out.write('\r\x1b[K');
      this.drawn = false;
    });
    events.on('sample', (e) => {
      if (e.phase !== 'send') return;
      const total = Math.round(e.state.elapsedSecs + e.state.remainingSecs);
      doing = `sending for ${total} s, ${Math.round(e.state.sample?.processedPerSec ?? 0)}/s processed, at`;
    });
    clearInterval(this.timer);
    this.timer = setInterval(draw, 500);
    this.timer.unref();
  }

  /** Erases the status line (before the step's result is printed). */
  clear(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}
