// `stresshm capacity`: finds the health manager's breaking point by itself (see capacity.ts).

import { writeFileSync } from 'node:fs';
import { CommandSpec, flagNumber, flagString, flagStrings } from '../command';
import { searchCapacity, CapacityStep } from '../../experiments/capacity';
import { runStress } from '../../run/runner';
import { cleanCommandLine } from './ghosts';
import { renderCapacityHtml } from '../../report/capacity';
import { EXIT_INTERRUPTED } from '../../errors';
import { checkOutputPath } from '../../report';
import { checkHmLogs } from '../../run/preflight';
import { interruptRequested } from '../../lifecycle/interrupt';
import { PROFILE_FLAGS, ProfileChoice, profileChoice } from './profile';
import { planFromProfile, withProfileShares, GhostPlan } from '../../ghostdb/ghosts';
import { rolesOf } from '../../ghostdb/shapes';
import { Config } from '../../config/config';
import { ProfileStep, headroomText } from '../../experiments/headroom';
import { UsageError } from '../../errors';

/** A step's ghosts from the profile: scale = the step's amphorae / the profile's (recorded for the headroom). */
function profileStep(choice: ProfileChoice, cfg: Config, steps: Map<number, ProfileStep>)
  : { cfg: Config; plan: GhostPlan } {
  const target = cfg.loadBalancers * 2;
  const scale = target / choice.profile.amphorae;
  const shaped = withProfileShares(cfg, choice.profile);
  const plan = planFromProfile(shaped, choice.profile, scale, choice.seed);
  const sp = plan.shapes!;
  const amphorae = sp.counts.reduce((a, c, i) => a + c * rolesOf(sp.shapes[i]).length, 0);
  steps.set(target, { scale, amphorae, loadBalancers: plan.loadBalancers });
  return { cfg: shaped, plan };
}

export const capacityCommand: CommandSpec = {
  name: 'capacity',
  summary: 'Find the breaking point: raise the heartbeat rate step by step until the SLA fails, then narrow down.',
  usage: 'stresshm --config-file F capacity [--profile FILE [--seed N]] [--start-rate 100] [--factor 2] [--max-rate 5000] [--step-secs 30] [--refine 2] [--hm-log FILE] [--report-html F] [--report-json F]',
  description: 'Each step is a full stress run (populate, send for --step-secs, drain, clean) with rate x heartbeat_interval amphorae.\nThe knee is the highest rate that kept up and the lowest that did not.',
  flags: [
    { name: 'start_rate', type: 'string', help: 'First offered load in heartbeats/s (default 100).' },
    { name: 'factor', type: 'string', help: 'Growth factor between steps (default 2).' },
    { name: 'max_rate', type: 'string', help: 'Stop growing here (default 5000 heartbeats/s).' },
    { name: 'step_secs', type: 'string', help: 'Seconds of heartbeats per step (default 3 intervals, at least 20).' },
    { name: 'refine', type: 'string', help: 'Bisection steps between the last good and first bad rate (default 2).' },
    { name: 'hm_log', type: 'strings', help: 'Health manager log file to follow (repeatable).' },
    { name: 'report_json', type: 'string', help: 'Write the steps and knee as JSON.' },
    { name: 'report_html', type: 'string', help: 'Write a self-contained HTML report (offered vs processed, lag).' },
    ...PROFILE_FLAGS,
  ],
  async run(ctx) {
    const interval = ctx.config().heartbeatInterval;
    const o = {
      startRate: flagNumber(ctx, 'start_rate', 100, 1, 1e6), factor: flagNumber(ctx, 'factor', 2, 1.1, 10), maxRate: flagNumber(ctx, 'max_rate', 5000, 1, 1e7),
      stepSecs: flagNumber(ctx, 'step_secs', Math.max(20, 3 * interval), 5, 3600), refineSteps: flagNumber(ctx, 'refine', 2, 0, 10),
    };
    const hmLogs = flagStrings(ctx, 'hm_log');
    const json = flagString(ctx, 'report_json');
    const html = flagString(ctx, 'report_html');
    const choice = profileChoice(ctx, false);
    if (choice && choice.profile.amphorae === 0) {
      throw new UsageError(`--profile ${choice.file}: the profiled fleet has no amphorae`);
    }
    const profiled = new Map<number, ProfileStep>();
    checkHmLogs(hmLogs);
    if (json) checkOutputPath('report-json', json);
    if (html) checkOutputPath('report-html', html);
    ctx.out.write(`capacity search at a ${interval} s interval: from ${o.startRate}/s, x${o.factor} per step up to ${o.maxRate}/s, ${o.stepSecs} s per step\n`);
    const res = await searchCapacity({ files: ctx.configFiles, overrides: ctx.overrides }, o,
      async (stepCfg) => {
        const { cfg, plan } = choice ? profileStep(choice, stepCfg, profiled) : { cfg: stepCfg, plan: undefined };
        const rec = (await runStress({ cfg, plan, keep: false, yes: ctx.yes, hmLogs, reports: {}, out: ctx.out,
          quiet: true, cleanHint: (p) => cleanCommandLine(ctx, p) })).record;
        // What the step really ran (read back from the database), not what the plan intended.
        const ran = profiled.get(stepCfg.loadBalancers * 2);
        if (ran) Object.assign(ran, { amphorae: rec.amphorae, loadBalancers: rec.loadBalancers });
        return rec;
      },
      (s: CapacityStep) => ctx.out.write(`  ${String(s.rate).padStart(6)}/s  ${String(s.amphorae).padStart(7)} amphorae  processed ${s.processedPerSec.toFixed(0)}/s (${(100 * s.processedShare).toFixed(1)}%)  p99 lag ${s.lagP99.toFixed(1)} s${s.drops !== undefined ? `  drops ${s.drops}` : ''}  ${s.verdict}\n`));
    ctx.out.write(`\nKNEE: ${res.knee}\n`);
    if (choice) ctx.out.write(`HEADROOM: ${headroomText(res, profiled)}\n`);
    const out = choice ? { ...res, headroom: headroomText(res, profiled), profile: choice.file,
      profile_steps: [...profiled.values()] } : res;
    if (json) { writeFileSync(json, `${JSON.stringify(out, null, 2)}\n`); ctx.out.write(`  report: ${json}\n`); }
    if (html) { writeFileSync(html, renderCapacityHtml(res)); ctx.out.write(`  report: ${html}\n`); }
    if (interruptRequested()) return EXIT_INTERRUPTED;
    return res.lastGood ? 0 : 1;
  },
};
