// A stresshm process a test can watch and disturb (wait until its output says something, then
// signal it, and collect its exit status and output), or run to its end.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(__dirname, '..', '..', '..', 'bin', 'stresshm.js');

export class CliProc {
  readonly child: ChildProcess;
  out = '';
  err = '';
  readonly exited: Promise<number | null>;
  private waiters: Array<() => void> = [];

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d) => {
      this.out += d;
      this.wake();
    });
    this.child.stderr!.on('data', (d) => {
      this.err += d;
      this.wake();
    });
    this.exited = new Promise((r) =>
      this.child.on('exit', (code, sig) => {
        r(code ?? (sig ? 128 : null));
        this.wake();
      }),
    );
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  get text(): string {
    return this.out + this.err;
  }

  /** Resolves when the output matches `re`; rejects after `timeoutMs` or when the process ends first. */
  async waitFor(re: RegExp, timeoutMs = 120000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void this.exited.then(() => {
      ended = true;
    });
    for (;;) {
      const m = re.exec(this.text);
      if (m) return m;
      if (ended) throw new Error(`process ended before ${re}: ${this.text}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}: ${this.text}`);
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((r) => {
        this.waiters.push(r);
        timer = setTimeout(r, Math.max(1, deadline - Date.now()));
      });
      clearTimeout(timer); // a pending timer would keep the test process alive for its whole length
    }
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }
}

export interface CliResult {
  status: number | null;
  out: string;
  err: string;
  /** How long the process ran, in milliseconds. */
  ms: number;
}

/** Runs stresshm to its end (killed after `timeoutMs`) and returns its exit status and output. */
export function runCli(args: string[], timeoutMs = 60000): CliResult {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: r.status, out: r.stdout, err: r.stderr, ms: Date.now() - started };
}

/** The lines of `err` but the "Target database ..." notice every command that writes prints first. */
export function errorLines(err: string): string[] {
  return err
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('Target database'));
}
