// `stresshm capacity`: finds the health manager's breaking point by itself (see capacity.ts).

import { maskUrl } from '../../config/dburl';
import { EXIT_INTERRUPTED, UsageError } from '../../errors';
import { type CapacityOptions, type CapacityStep, type StepRunner, searchCapacity } from '../../experiments/capacity';
import { headroomText, type ProfileStep, profileStep } from '../../experiments/headroom';
import { parseSweep, type Sweep, sweepCapacity } from '../../experiments/sweep';
import { interruptRequested } from '../../lifecycle/interrupt';
import { checkHmLogs } from '../../run/preflight';
import type { RunRecord } from '../../run/record';
import { runStress } from '../../run/runner';
import { StepTracker } from '../../run/steptrack';
import { toolVersion } from '../../version';
import { type CommandContext, type CommandSpec, flagBool, flagNumber, flagString, flagStrings } from '../command';
import { capacityFlags } from '../flags';
import { hmLogCommands, LIVE_FLAGS, type Live, openLive } from '../live';
import { commandMeta, emitReports, reportPaths } from '../reports';
import { cleanCommandLine } from './ghosts';
import { PROFILE_FLAGS, type ProfileChoice, profileChoice } from './profile';

/** The database (password masked) and the HM endpoints a search ran against. */
function capacityTarget(ctx: CommandContext): string {
  const cfg = ctx.config();
  const db = cfg.dbConnection ? `database ${maskUrl(cfg.dbConnection)}; ` : '';
  return `${db}HM ${cfg.controllerIpPortList.join(', ')}`;
}

/** A step's result on one line within 80 columns. */
export function stepLine(s: CapacityStep): string {
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  return (
    `${n(s.rate).padStart(6)}/s ${n(s.amphorae).padStart(6)} amph  processed ${n(s.processedPerSec)}/s ` +
    `${(100 * s.processedShare).toFixed(1)}%  p99 ${s.lagP99.toFixed(1)} s` +
    `${s.drops !== undefined ? `  drops ${n(s.drops)}` : ''}  ${s.verdict}`
  );
}

async function runSweep(
  ctx: CommandContext,
  sweep: Sweep,
  o: CapacityOptions,
  runStep: StepRunner,
  out: { json?: string; html?: string },
): Promise<number> {
  ctx.out.write(`capacity sweep over ${sweep.dimension} = ${sweep.values.join(', ')}\n`);
  const res = await sweepCapacity({ files: ctx.configFiles, overrides: ctx.overrides }, sweep, o, runStep, (value, s) =>
    ctx.out.write(`  ${sweep.dimension} ${value}: ${stepLine(s)}\n`),
  );
  ctx.out.write(`\n${sweep.dimension.padEnd(10)} knee/s   CPU s/1000   statements/heartbeat\n`);
  for (const p of res.points) {
    ctx.out.write(
      `${String(p.value).padEnd(10)} ${`${p.senderLimited ? '>=' : ''}${p.knee ?? '-'}`.padStart(6)}   ` +
        `${(p.cpuSecsPer1000?.toFixed(2) ?? 'n/m').padStart(11)}` +
        `   ${p.statementsPerHeartbeat?.toFixed(1) ?? 'n/m'}\n`,
    );
  }
  const meta = commandMeta(ctx, capacityTarget(ctx));
  emitReports(ctx, { kind: 'sweep', meta, result: res, json: { version: toolVersion(), ...res } }, out);
  if (interruptRequested()) return EXIT_INTERRUPTED;
  return res.points.every((p) => p.knee !== undefined) ? 0 : 1;
}

export const capacityCommand: CommandSpec = {
  name: 'capacity',
  summary: 'Find the breaking point: raise the heartbeat rate step by step until the SLA fails, then narrow down.',
  usage:
    'stresshm --config-file F capacity [--profile FILE [--seed N]] [--sweep DIM=V1,V2] [--start-rate N] ' +
    '[--factor N] [--max-rate N] [--step-secs N] [--refine N] [--hm-log FILE] [--report-html F] [--report-json F]',
  description:
    'Each step is a full stress run (populate, send for --step-secs, drain, clean) with rate x ' +
    'heartbeat_interval amphorae.\nThe knee is the highest rate that kept up and the lowest that did not.',
  flags: [
    ...capacityFlags({ maxRate: 5000, stepSecsText: '3 intervals, at least 20', refine: 2 }),
    { name: 'hm_log', type: 'strings', help: 'Health manager log file to follow (repeatable).' },
    {
      name: 'abort_on_fail',
      type: 'bool',
      help: 'End each step as soon as its SLA has failed beyond recovery (faster searches).',
    },
    {
      name: 'sweep',
      type: 'string',
      help:
        'One search per LB shape, e.g. members=1,10,50 (or listeners=, pools=): knee, CPU ' +
        'and statements per heartbeat against the shape.',
    },
    { name: 'report_json', type: 'string', help: 'Write the steps and knee as JSON.' },
    { name: 'report_html', type: 'string', help: 'Write a self-contained HTML report (offered vs processed, lag).' },
    ...PROFILE_FLAGS,
    ...LIVE_FLAGS,
  ],
  async run(ctx) {
    const interval = ctx.config().heartbeatInterval;
    const o = {
      startRate: flagNumber(ctx, 'start_rate'),
      factor: flagNumber(ctx, 'factor'),
      maxRate: flagNumber(ctx, 'max_rate'),
      stepSecs: flagNumber(ctx, 'step_secs', Math.max(20, 3 * interval)),
      refineSteps: flagNumber(ctx, 'refine'),
    };
    const { json, html } = reportPaths(ctx);
    const choice = profileChoice(ctx, false);
    if (choice && choice.profile.amphorae === 0) {
      throw new UsageError(`--profile ${choice.file}: the profiled fleet has no amphorae`);
    }
    checkHmLogs(flagStrings(ctx, 'hm_log'));
    const sweepText = flagString(ctx, 'sweep');
    const sweep = sweepText === undefined ? undefined : parseSweep(sweepText);
    if (sweep && choice) throw new UsageError('--sweep and --profile exclude each other (a profile fixes the shapes)');
    const live = await openLive(ctx);
    try {
      return await search(ctx, o, sweep, choice, { json, html }, live);
    } finally {
      await live.close();
    }
  },
};

/** The search (or sweep) itself; every step's run is subscribed to the live outputs. */
async function search(
  ctx: CommandContext,
  o: CapacityOptions,
  sweep: Sweep | undefined,
  choice: ProfileChoice | undefined,
  out: { json?: string; html?: string },
  live: Live,
): Promise<number> {
  const { json, html } = out;
  const hmLogs = flagStrings(ctx, 'hm_log');
  const interval = ctx.config().heartbeatInterval;
  const hmLogCmds = hmLogCommands(ctx);
  const profiled = new Map<number, ProfileStep>();
  const track = new StepTracker(ctx.out);
  const runStep: StepRunner = async (stepCfg) => {
    const { cfg, plan } = choice
      ? profileStep(choice.profile, choice.seed, stepCfg, profiled)
      : { cfg: stepCfg, plan: undefined };
    let rec: RunRecord;
    try {
      rec = (
        await runStress({
          cfg,
          plan,
          keep: false,
          yes: ctx.yes,
          hmLogs,
          hmLogCmds,
          reports: {},
          out: ctx.out,
          quiet: true,
          abortOnFail: flagBool(ctx, 'abort_on_fail'),
          cleanHint: (p) => cleanCommandLine(ctx, p),
          subscribe: (events) => {
            track.follow(events, `step ${Math.round((cfg.loadBalancers * 2) / cfg.heartbeatInterval)}/s`);
            live.subscribe(events);
          },
        })
      ).record;
    } finally {
      track.clear();
    }
    // What the step really ran (read back from the database), not what the plan intended.
    const ran = profiled.get(stepCfg.loadBalancers * 2);
    if (ran) Object.assign(ran, { amphorae: rec.amphorae, loadBalancers: rec.loadBalancers });
    return rec;
  };
  if (sweep) return runSweep(ctx, sweep, o, runStep, { json, html });
  ctx.out.write(
    `capacity search: interval ${interval} s, from ${o.startRate}/s x${o.factor} per step to ${o.maxRate}/s, ` +
      `${o.stepSecs} s per step\n`,
  );
  const res = await searchCapacity(
    { files: ctx.configFiles, overrides: ctx.overrides },
    o,
    runStep,
    (s: CapacityStep) => ctx.out.write(`  ${stepLine(s)}\n`),
  );
  ctx.out.write(`\nKNEE: ${res.knee}\n`);
  if (choice) ctx.out.write(`HEADROOM: ${headroomText(res, profiled)}\n`);
  const report = choice
    ? {
        version: toolVersion(),
        ...res,
        headroom: headroomText(res, profiled),
        profile: choice.file,
        profile_steps: [...profiled.values()],
      }
    : { version: toolVersion(), ...res };
  emitReports(ctx, { kind: 'capacity', meta: commandMeta(ctx, capacityTarget(ctx)), result: res, json: report }, out);
  if (interruptRequested()) return EXIT_INTERRUPTED;
  return res.lastGood ? 0 : 1;
}
