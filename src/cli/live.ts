// Live outputs of run and capacity: --csv FILE (per-poll history) and --metrics-port PORT
// (Prometheus), both subscribers of every stress run the command starts.

import { CommandContext, FlagSpec, flagString } from './command';
import { RunEvents } from '../run/events';
import { CsvHistory } from '../report/csv';
import { MetricsServer } from '../metrics/prometheus';
import { checkOutputPath } from '../report';

export const LIVE_FLAGS: FlagSpec[] = [
  { name: 'csv', type: 'string', help: 'Write the per-poll history as CSV as the run goes (one row per recorded sample).' },
  { name: 'metrics_port', type: 'int', min: 0, max: 65535,
    help: 'Serve Prometheus metrics on http://127.0.0.1:PORT/metrics for the whole run (0: any free port).' },
];

export interface Live {
  subscribe(events: RunEvents): void;
  close(): Promise<void>;
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
