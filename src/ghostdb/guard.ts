// The write guard: before the first write, show the target (password masked) and how many
// real load balancers it holds; when there are any, confirm on a terminal or require --yes.

import { createInterface } from 'node:readline/promises';
import { Conn } from './db';
import { DbTarget, describeTarget } from '../config/dburl';
import { countRealLoadBalancers } from './inventory';
import { UsageError } from '../errors';

export interface GuardOptions {
  yes: boolean;
  /** Where to ask; defaults to the process's terminal. */
  input?: NodeJS.ReadStream;
  out?: NodeJS.WriteStream;
}

export async function confirmTarget(conn: Conn, target: DbTarget, action: string, opts: GuardOptions): Promise<void> {
  const out = opts.out ?? process.stderr;
  const input = opts.input ?? process.stdin;
  const real = await countRealLoadBalancers(conn);
  out.write(`Target database: ${describeTarget(target)} (${real} non-ghost load balancer${real === 1 ? '' : 's'})\n`);
  if (real === 0 || opts.yes) return;
  if (!input.isTTY) {
    throw new UsageError(`refusing to ${action}: ${describeTarget(target)} holds ${real} real load balancers; pass --yes to confirm`);
  }
  const rl = createInterface({ input, output: out });
  try {
    const answer = await rl.question(`This database holds ${real} real load balancers. ${action[0].toUpperCase()}${action.slice(1)} anyway? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new UsageError('cancelled by the operator; nothing was written');
  } finally {
    rl.close();
  }
}
