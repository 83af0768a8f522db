// `run` (the original stress mode: populate, send, clean) and `blast` (maximum packet rate).

import { requireHeartbeatKey, resolveEndpoints } from '../../config/endpoints';
import { errnoNames } from '../../engine/fleet';
import { fleetHeader, Handover } from '../../engine/handover';
import { native } from '../../engine/native';
import { handOverSynthetic } from '../../engine/synthetic';
import { EnvError } from '../../errors';
import { planFromProfile, withProfileShares } from '../../ghostdb/ghosts';
import type { RunRecord } from '../../run/record';
import { runStress } from '../../run/runner';
import { colourWanted, paintVerdict, palette } from '../../terminal/colour';
import { type CommandContext, type CommandSpec, flagBool, flagNumber, flagString, flagStrings } from '../command';
import { hmLogCommands, LIVE_FLAGS, openLive } from '../live';
import { cleanCommandLine } from './ghosts';
import { PROFILE_FLAGS, profileChoice } from './profile';

export function printSummary(ctx: CommandContext, r: RunRecord, files: string[], problems: string[] = []): void {
  const f = r.final;
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  const out = ctx.out;
  const p = palette(colourWanted(out, ctx.flags.color !== false));
  out.write(`${ctx.flags.quiet ? '' : '\n'}VERDICT: ${paintVerdict(p, r.verdict)}\n`);
  if (ctx.flags.quiet) {
    for (const problem of problems) ctx.err.write(`stresshm: ${problem}\n`);
    return;
  }
  const mark = (ok: boolean | null) => (ok === null ? 'n/a ' : ok ? p.green('ok  ') : p.red('FAIL'));
  for (const c of r.criteria) out.write(`  ${mark(c.ok)} ${c.name}: ${c.actual} (limit ${c.limit})\n`);
  out.write(
    `  sent ${n(f.sent)} heartbeats, processed ${n(f.processed)} (${(f.processedShare * 100).toFixed(2)}%), ` +
      `lag p50/p95/p99/max ${f.lagP50.toFixed(2)}/${f.lagP95.toFixed(2)}/${f.lagP99.toFixed(2)}/` +
      `${f.lagMax.toFixed(2)} s (±${(f.lagResolutionSecs / 2).toFixed(2)} s resolution)\n`,
  );
  out.write(
    `  stale max: >1 interval ${n(f.staleOver1Max)}, >2 intervals ${n(f.staleOver2Max)}, >heartbeat_timeout ` +
      `${n(f.timeoutStaleMax)}; schedule lag p99 ${f.scheduleLagP99Ms.toFixed(2)} ms; sender CPU ` +
      `${f.senderCpuSeconds.toFixed(2)} s\n`,
  );
  const errs = Object.entries(f.sendErrors);
  if (errs.length) out.write(`  send errors: ${errs.map(([k, v]) => `${k} ${n(v)}`).join(', ')}\n`);
  if (f.log)
    out.write(
      `  HM log: ${f.log.drops} dropped ("THIS IS NOT GOOD"), ${f.log.listenerMismatch} listener-count ` +
        `mismatches, ${f.log.hmacFailures} HMAC failures, ${f.log.tracebacks} tracebacks, ` +
        `${f.log.failovers} failover messages\n`,
    );
  const l = r.ledger;
  if (l) {
    const m = (v: number | null) => (v === null ? 'not measurable' : n(v));
    out.write(
      `  ledger: sent ${n(l.sent)} = processed ${n(l.processed)}\n` +
        `    + stale-dropped by the HM ${m(l.staleDropped)} + kernel-dropped ${m(l.kernelDropped)}\n` +
        `    + listener mismatch ${m(l.listenerMismatch)} + send errors ${n(l.sendErrors)} + unaccounted ` +
        `${n(l.unaccounted)}\n`,
    );
  }
  if (r.diagnosis?.length) {
    out.write('  diagnosis:\n');
    for (const d of r.diagnosis) out.write(`    - ${d}\n`);
  }
  if (f.abortedEarly) out.write(`  stopped early (--abort-on-fail): ${f.abortedEarly}\n`);
  if (f.interrupted) out.write(`  stopped early: ${f.interrupted}; the figures cover the run until then\n`);
  if (f.drain?.boundReached) {
    out.write(
      `  drain: the HM was still busy at drain_timeout_secs; waited ${f.drain.extraSecs.toFixed(0)} s more` +
        `${f.drain.gaveUp ? ' and cleaned while it was still active' : ' until it was quiet'}\n`,
    );
  }
  for (const file of files) out.write(`  report: ${file}\n`);
  for (const p of problems) ctx.err.write(`stresshm: ${p}\n`);
}

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
    'and the run is judged: KEEPING UP (exit 0), FALLING BEHIND or FAILING (exit 1). Ctrl-C cleans up (exit 130).',
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
    { name: 'report_json', type: 'string', help: 'Write every figure and time series as JSON.' },
    { name: 'report_html', type: 'string', help: 'Write a self-contained HTML report with charts.' },
    { name: 'junit', type: 'string', help: 'Write JUnit XML (one test case per SLA criterion).' },
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
      reports: {
        json: flagString(ctx, 'report_json'),
        html: flagString(ctx, 'report_html'),
        junit: flagString(ctx, 'junit'),
        record: flagString(ctx, 'record'),
      },
    }).finally(() => live.close());
    printSummary(ctx, res.record, res.reportFiles, res.reportProblems);
    return res.reportProblems.length > 0 && res.exitCode === 0 ? 3 : res.exitCode;
  },
};

export const blastCommand: CommandSpec = {
  name: 'blast',
  summary: 'Push pre-encoded heartbeats at the highest rate the machine allows (HM socket packet-rate test).',
  usage:
    'stresshm blast [--amphorae N] [--duration SECS] [--members N] [--sender_threads N] --heartbeat_key K ' +
    '--controller_ip_port_list IP:PORT',
  description:
    'Encodes one heartbeat per synthetic amphora (not written to any database) and replays them from the ' +
    'native\nsender threads as fast as sendmmsg allows, round-robin over the endpoints. Prints packets/s in ' +
    'total and per thread.',
  flags: [
    { name: 'amphorae', type: 'int', default: 1000, min: 1, max: 1000000, help: 'Distinct heartbeats to replay.' },
    { name: 'duration', type: 'int', default: 10, min: 1, max: 3600, help: 'Seconds to send.' },
  ],
  async run(ctx) {
    const cfg = ctx.config();
    const amphorae = flagNumber(ctx, 'amphorae');
    const members = cfg.members; // [test_params] members: sets the packet size
    const duration = flagNumber(ctx, 'duration');
    const key = requireHeartbeatKey(cfg.heartbeatKey);
    const endpoints = await resolveEndpoints(cfg.controllerIpPortList);
    // Flat ids from a counter, handed over in chunks: JavaScript never holds the whole fleet.
    const handover = new Handover(fleetHeader(cfg, endpoints, key));
    handOverSynthetic(handover, amphorae, 1, members);
    ctx.out.write(
      `blast: ${amphorae} heartbeats (${members} members each), ${handover.header.threads} threads, ${duration} s ` +
        `to ${cfg.controllerIpPortList.join(', ')}\n`,
    );
    const r = await native().blast(handover.builder, duration * 1000);
    const total = r.packetsPerThread.reduce((a, b) => a + b, 0);
    ctx.out.write(
      `sent ${total.toLocaleString('en-US')} packets of ~${r.packetBytes} bytes in ${r.seconds.toFixed(2)} s: ` +
        `${Math.round(total / r.seconds).toLocaleString('en-US')} packets/s, ` +
        `${((r.bytes * 8) / r.seconds / 1e6).toFixed(0)} Mbit/s\n`,
    );
    r.packetsPerThread.forEach((p, i) => {
      ctx.out.write(`  thread ${i}: ${Math.round(p / r.seconds).toLocaleString('en-US')} packets/s\n`);
    });
    const errs = Object.entries(errnoNames(r.errors));
    if (errs.length) ctx.out.write(`send errors: ${errs.map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
    if (r.failure) throw new EnvError(`a blast thread failed: ${r.failure}`);
    return 0;
  },
};
