// Follows health manager log files (--hm-log) from their current end, or the standard output
// of commands (--hm-log-cmd 'ssh ctl1 journalctl -fu octavia-health-manager -o cat'), and counts
// what the operator used to grep for: dropped heartbeats, listener-count mismatches, HMAC
// failures, tracebacks and failover attempts. A command runs in its own process group, which is
// killed when the follower closes (or the process exits).

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { say } from '../lifecycle/output';

export interface LogCounts {
  drops: number;
  listenerMismatch: number;
  hmacFailures: number;
  tracebacks: number;
  failovers: number;
  /** "The amphora ... is missing from the DB": a heartbeat arrived after its rows were removed. */
  missingFromDb: number;
}

export const PATTERNS: Array<[keyof LogCounts, RegExp]> = [
  ['drops', /THIS IS NOT GOOD/],
  ['listenerMismatch', /health message reports \d+ listeners when \d+ expected/],
  [
    'hmacFailures',
    new RegExp(
      /calculated hmac\(hex=False\).*not equal to msg hmac|InvalidHMACException|/.source +
        /Health Manager experienced an exception processing a heartbeat message/.source,
    ),
  ],
  ['tracebacks', /Traceback \(most recent call last\)/],
  ['failovers', /(Attempting failover|failover of amphora|Performing failover|Stale amphora)/i],
  ['missingFromDb', /is missing from the DB/],
];

export function emptyCounts(): LogCounts {
  return { drops: 0, listenerMismatch: 0, hmacFailures: 0, tracebacks: 0, failovers: 0, missingFromDb: 0 };
}

/** Adds the matches of complete lines in `text` to `counts`. */
export function countLines(text: string, counts: LogCounts): void {
  for (const line of text.split('\n')) {
    for (const [k, re] of PATTERNS) if (re.test(line)) counts[k]++;
  }
}

class FollowedFile {
  private offset: number;
  private partial = '';

  constructor(readonly path: string) {
    this.offset = sizeOf(path);
  }

  /** New complete lines since the last read; restarts from 0 after truncation or rotation. */
  read(): string {
    const size = sizeOf(this.path);
    if (size < this.offset) this.offset = 0;
    if (size === this.offset) return '';
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return '';
    }
    try {
      const len = fstatSync(fd).size - this.offset;
      const buf = Buffer.alloc(Math.max(0, len));
      const n = readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += n;
      const text = this.partial + buf.subarray(0, n).toString('utf8');
      const cut = text.lastIndexOf('\n');
      this.partial = cut >= 0 ? text.slice(cut + 1) : text;
      return cut >= 0 ? text.slice(0, cut) : '';
    } finally {
      closeSync(fd);
    }
  }
}

/** The standard output of a shell command, by complete lines (stderr: its last line, for errors). */
class FollowedCommand {
  private readonly child: ChildProcess;
  private pending = '';
  private lastErr = '';
  private closing = false;
  private readonly killOnExit = () => this.kill();

  constructor(readonly command: string) {
    this.child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      this.pending += d;
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      this.lastErr = d.trim().split('\n').pop() || this.lastErr;
    });
    this.child.on('error', (e) => say(`stresshm: --hm-log-cmd could not start: ${e.message}\n`));
    this.child.on('exit', (code, sig) => {
      if (this.closing) return;
      say(
        `stresshm: --hm-log-cmd '${this.command}' ended (${code ?? sig})${this.lastErr ? `: ${this.lastErr}` : ''}; ` +
          'its HM log is no longer followed\n',
      );
    });
    process.once('exit', this.killOnExit);
  }

  /** Complete lines received since the last read. */
  read(): string {
    const cut = this.pending.lastIndexOf('\n');
    if (cut < 0) return '';
    const text = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut + 1);
    return text;
  }

  private kill(): void {
    if (this.child.pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(-this.child.pid, 'SIGTERM');
    } catch {
      // the group is already gone
    }
  }

  /** Stops the command and its whole process group. */
  close(): void {
    this.closing = true;
    process.removeListener('exit', this.killOnExit);
    this.kill();
    this.child.stdout!.destroy();
    this.child.stderr!.destroy();
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export class HmLogFollower {
  readonly counts = emptyCounts();
  private readonly files: Array<FollowedFile | FollowedCommand>;

  constructor(paths: string[], commands: string[] = []) {
    this.files = [...paths.map((p) => new FollowedFile(p)), ...commands.map((c) => new FollowedCommand(c))];
  }

  get following(): boolean {
    return this.files.length > 0;
  }

  /** Ends the followed commands (their process groups). */
  close(): void {
    for (const f of this.files) if (f instanceof FollowedCommand) f.close();
  }

  /** Every counted line so far: the drain waits until this stops growing. */
  total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  /** Reads what was appended since the last call and updates the counts. */
  poll(): LogCounts {
    for (const f of this.files) countLines(f.read(), this.counts);
    return this.counts;
  }
}
