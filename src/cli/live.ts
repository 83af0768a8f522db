// Live inputs and outputs of run and capacity: --hm-log-cmd (HM logs from commands), --csv FILE
// (per-poll history) and --metrics-port PORT (Prometheus), the last two subscribers of every run.

import { UsageError } from '../errors';
import { MetricsServer } from '../metrics/prometheus';
import { checkOutputPath } from '../report';
import { CsvHistory } from '../report/csv';
import type { RunEvents } from '../run/events';
import { type CommandContext, type FlagSpec, flagString, flagStrings } from './command';

export const LIVE_FLAGS: FlagSpec[] = [
  {
    name: 'hm_log_cmd',
    type: 'strings',
    help:
      'Follow the standard output of this command as an HM log (repeatable), ' +
      "e.g. 'ssh ctl1 journalctl -fu octavia-health-manager -o cat'; killed with its process group at the end.",
  },
  {
    name: 'csv',
    type: 'string',
    help: 'Write the per-poll history as CSV as the run goes (one row per recorded sample).',
  },
  {
    name: 'metrics_port',
    type: 'int',
    min: 0,
    max: 65535,
    help: 'Serve Prometheus metrics on http://127.0.0.1:PORT/metrics for the whole run (0: any free port).',
  },
];

export interface Live {
  subscribe(events: RunEvents): void;
  close(): Promise<void>;
}

/** --hm-log-cmd values, refused when empty (a blank command follows nothing). */
export function hmLogCommands(ctx: CommandContext): string[] {
  const cmds = flagStrings(ctx, 'hm_log_cmd');
  if (cmds.some((c) => c.trim() === '')) throw new UsageError('--hm-log-cmd needs a command');
  return cmds;
}

/** Opens the asked live outputs before any work (a bad path or a busy port is a usage error). */
export async function openLive(ctx: CommandContext): Promise<Live> {
  const csvPath = flagString(ctx, 'csv');
  if (csvPath !== undefined) checkOutputPath('csv', csvPath);
  const port = ctx.flags.metrics_port;
  let server: MetricsServer | undefined;
  if (typeof port === 'number') {
    server = new MetricsServer();
    const bound = await server.listen(port);
    ctx.err.write(`stresshm: metrics on http://127.0.0.1:${bound}/metrics\n`);
  }
  const csv = csvPath === undefined ? undefined : new CsvHistory(csvPath);
  return {
    subscribe(events) {
      csv?.attach(events);
      server?.state.attach(events);
    },
    async close() {
      csv?.close();
      await server?.close();
    },
  };
}
