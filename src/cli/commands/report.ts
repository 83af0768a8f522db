// `stresshm report RECORD`: renders the reports again from a saved msgpack run record
// (--record), exactly as the run itself would have written them, and prints its summary.

import { EnvError } from '../../errors';
import { checkReportPaths, writeReports } from '../../report';
import { loadRecord } from '../../run/record';
import { printSummary } from '../../terminal/summary';
import { type CommandSpec, summaryIo } from '../command';
import { RUN_REPORT_FLAGS, runReportPaths } from '../flags';

export const reportCommand: CommandSpec = {
  name: 'report',
  summary: 'Render the reports again from a saved run record (--record): HTML, JSON, JUnit.',
  usage: 'stresshm report RECORD [--report-html F] [--report-json F] [--junit F]',
  description:
    'Reads a msgpack record written by `run --record` and writes the asked reports as the run would have\n' +
    "written them; prints the run's summary and verdict. Needs no database.",
  args: ['RECORD'],
  flags: [...RUN_REPORT_FLAGS],
  async run(ctx) {
    const record = loadRecord(ctx.positional[0]);
    const paths = runReportPaths(ctx);
    checkReportPaths(paths);
    const w = writeReports(record, paths);
    printSummary(summaryIo(ctx), record, w.files, w.problems);
    if (w.problems.length) throw new EnvError(w.problems[0]);
    return 0;
  },
};
