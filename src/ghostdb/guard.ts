// The write guard: before the first write, show the target (password masked) and how many
// real load balancers it holds; when there are any, confirm on a terminal or require --yes.
// Anything but "y"/"yes" at the prompt, including Ctrl-C and Ctrl-D, is "cancelled" (exit 2).

import { createInterface } from 'node:readline';
import { type DbTarget, describeTarget } from '../config/dburl';
import { UsageError } from '../errors';
import { onInterrupt } from '../lifecycle/interrupt';
import type { Conn } from './db';
import { countRealLoadBalancers } from './inventory';

export interface GuardOptions {
  yes: boolean;
  /** Where to ask; defaults to the process's terminal. */
  input?: NodeJS.ReadStream;
  out?: NodeJS.WriteStream;
}

/** The answer typed at the prompt, or undefined for Ctrl-C, Ctrl-D (end of input) or a signal. */
function ask(input: NodeJS.ReadStream, out: NodeJS.WriteStream, question: string): Promise<string | undefined> {
  const rl = createInterface({ input, output: out, terminal: Boolean(input.isTTY) });
  return new Promise((resolve) => {
    let offInterrupt: () => void = () => undefined;
    const finish = (answer: string | undefined) => {
      offInterrupt();
      rl.removeAllListeners();
      rl.close();
      if (answer === undefined) out.write('\n');
      resolve(answer);
    };
    rl.once('line', (line) => finish(line));
    rl.once('close', () => finish(undefined));
    rl.once('SIGINT', () => finish(undefined));
    offInterrupt = onInterrupt(() => finish(undefined));
    out.write(question);
  });
}

export async function confirmTarget(conn: Conn, target: DbTarget, action: string, opts: GuardOptions): Promise<void> {
  const out = opts.out ?? process.stderr;
  const input = opts.input ?? process.stdin;
  const real = await countRealLoadBalancers(conn);
  out.write(`Target database: ${describeTarget(target)} (${real} non-ghost load balancer${real === 1 ? '' : 's'})\n`);
  if (real === 0 || opts.yes) return;
  if (!input.isTTY) {
    throw new UsageError(
      `refusing to ${action}: ${describeTarget(target)} holds ${real} real load balancers; pass --yes to confirm`,
    );
  }
  const verb = `${action[0].toUpperCase()}${action.slice(1)}`;
  const answer = await ask(input, out, `This database holds ${real} real load balancers. ${verb} anyway? [y/N] `);
  if (answer === undefined || !/^y(es)?$/i.test(answer.trim())) {
    throw new UsageError('cancelled by the operator; nothing was written');
  }
}
