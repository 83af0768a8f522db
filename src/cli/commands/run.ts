// `run` (the original stress mode: populate, send, clean) and `blast` (maximum packet rate).

import { planFromProfile, withProfileShares } from '../../ghostdb/ghosts';
import { blast } from '../../run/blast';
import { runStress } from '../../run/runner';
import { printSummary } from '../../terminal/summary';
import { type CommandSpec, flagBool, flagNumber, flagString, flagStrings, summaryIo } from '../command';
import { RUN_REPORT_FLAGS, runReportPaths } from '../flags';
import { hmLogCommands, LIVE_FLAGS, openLive } from '../live';
import { cleanCommandLine } from './ghosts';
import { PROFILE_FLAGS, profileChoice } from './profile';

export const runCommand: CommandSpec = {
  name: 'run',
  summary: 'Stress run (the default): populate, send heartbeats for test_runtime_secs, drain, clean, judge.',
  usage:
    'stresshm --config-file stresshm.conf [run] [--profile FILE [--scale X] [--seed N]] [--prefix P] [--keep] ' +
    '[--hm-log FILE] [--report-html F] [--report-json F] [--junit F]',
  description:
    'Every ghost amphora (2 per LB in ACTIVE_STANDBY) sends signed heartbeats to controller_ip_port_list from ' +
    'native\n' +
    'sender threads while the Octavia database is watched; then sending stops, the HM drains, the ghosts are ' +
    'removed\n' +
    'and the run is judged: KEEPING UP (exit 0), FALLING BEHIND or FAILING (exit 1), or INCONCLUSIVE (exit 1)\n' +
    'when stresshm could not send the heartbeats due on schedule. Ctrl-C cleans up (exit 130).',
  flags: [
    {
      name: 'prefix',
      type: 'string',
      help: 'Reuse the ghosts of this prefix instead of populating (they are removed afterwards unless --keep).',
    },
    { name: 'keep', type: 'bool', help: 'Leave the ghosts in the database afterwards.' },
    {
      name: 'hm_log',
      type: 'strings',
      help: 'Health manager log file to follow (repeatable): counts dropped heartbeats, mismatches, HMAC failures.',
    },
    ...RUN_REPORT_FLAGS,
    { name: 'record', type: 'string', help: 'Write the msgpack run record the reports are rendered from.' },
    {
      name: 'abort_on_fail',
      type: 'bool',
      help: 'Stop sending as soon as the SLA has failed beyond recovery (then drain, clean, judge).',
    },
    ...PROFILE_FLAGS,
    ...LIVE_FLAGS,
  ],
  async run(ctx) {
    const choice = profileChoice(ctx);
    const cfg = choice ? withProfileShares(ctx.config(), choice.profile) : ctx.config();
    const prefix = flagString(ctx, 'prefix');
    const plan = choice && !prefix ? planFromProfile(cfg, choice.profile, choice.scale, choice.seed) : undefined;
    const hmLogCmds = hmLogCommands(ctx);
    const live = await openLive(ctx);
    const res = await runStress({
      hmLogCmds,
      subscribe: (events) => live.subscribe(events),
      cfg,
      plan,
      prefix,
      keep: flagBool(ctx, 'keep'),
      yes: ctx.yes,
      hmLogs: flagStrings(ctx, 'hm_log'),
      out: ctx.out,
      cleanHint: (p) => cleanCommandLine(ctx, p),
      abortOnFail: flagBool(ctx, 'abort_on_fail'),
      quiet: flagBool(ctx, 'quiet'),
      verbose: flagBool(ctx, 'verbose'),
      reports: { ...runReportPaths(ctx), record: flagString(ctx, 'record') },
    }).finally(() => live.close());
    printSummary(summaryIo(ctx), res.record, res.reportFiles, res.reportProblems);
    return res.reportProblems.length > 0 && res.exitCode === 0 ? 3 : res.exitCode;
  },
};

export const blastCommand: CommandSpec = {
  name: 'blast',
  summary: 'Push heartbeats at the highest rate the machine allows (HM socket packet-rate test).',
  usage:
    'stresshm blast [--amphorae N] [--duration SECS] [--members N] [--sender_threads N] --heartbeat_key K ' +
    '--controller_ip_port_list IP:PORT',
  description:
    'Sends one heartbeat per synthetic amphora (generated natively, not written to any database) from the native\n' +
    'sender threads as fast as sendmmsg allows, round-robin over the endpoints. Up to 65,536 amphorae are encoded\n' +
    'once and replayed; a larger fleet is encoded while it is sent (the encoder then bounds the rate), so memory\n' +
    'stays flat at any count. Prints packets/s in total and per thread.',
  flags: [
    {
      name: 'amphorae',
      type: 'int',
      default: 1000,
      min: 1,
      max: 1_000_000_000,
      help: 'Synthetic amphorae, one distinct heartbeat each (memory stays flat at any count).',
    },
    { name: 'duration', type: 'int', default: 10, min: 1, max: 3600, help: 'Seconds to send.' },
  ],
  async run(ctx) {
    await blast(ctx.config(), flagNumber(ctx, 'amphorae'), flagNumber(ctx, 'duration'), ctx.out);
    return 0;
  },
};
