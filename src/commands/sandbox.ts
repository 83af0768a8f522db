// `sandbox` (a throwaway Octavia on loopback until Ctrl-C) and `demo` (sandbox + a stress
// run with the live dashboard + verdict + HTML report, then teardown); `compare` and
// `api-bench` are declared here and refuse to run until they are built.

import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { CommandContext, CommandSpec, flagString } from '../command';
import { startSandbox, Sandbox } from '../octavia/sandbox';
import { loadConfig } from '../config';
import { runStress } from '../runner';
import { onInterrupt, setInterruptHint } from '../interrupt';
import { UsageError } from '../errors';
import { printSummary } from './run';

function intFlag(ctx: CommandContext, name: string, def: number, min: number, max: number): number {
  const v = Number(flagString(ctx, name) ?? def);
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name.replace(/_/g, '-')} must be a whole number from ${min} to ${max}`);
  return v;
}

function describe(ctx: CommandContext, sb: Sandbox): void {
  ctx.out.write(`Sandbox up in ${sb.dir}\n  database ${sb.database}\n  health managers ${sb.endpoints.join(', ')}\n`);
  if (sb.api) ctx.out.write(`  API ${sb.api.url} (noauth)\n`);
  ctx.out.write(`  HM logs ${sb.hmLogs.join(', ')}\n  stresshm config ${sb.stresshmConf}\n`);
}

export const sandboxCommand: CommandSpec = {
  name: 'sandbox',
  summary: 'Start a throwaway Octavia on loopback (DB, real health managers, optional API) until Ctrl-C.',
  usage: 'stresshm sandbox [--hms N] [--api] [--health-update-threads N]',
  flags: [
    { name: 'hms', type: 'string', help: 'Health manager processes (default 2).' },
    { name: 'api', type: 'boolean', help: 'Also start octavia-api (noauth) on a free loopback port.' },
    { name: 'health_update_threads', type: 'string', help: 'health_update_threads of each HM (default 2).' },
  ],
  async run(ctx) {
    const sb = await startSandbox({ hms: intFlag(ctx, 'hms', 2, 1, 16), api: ctx.flags.api === true,
      healthUpdateThreads: intFlag(ctx, 'health_update_threads', 2, 1, 64) });
    try {
      describe(ctx, sb);
      ctx.out.write(`Run against it:  stresshm --config-file ${sb.stresshmConf} run --hm-log ${sb.hmLogs.join(' --hm-log ')}\nPress Ctrl-C to tear it down.\n`);
      await new Promise<void>((done) => onInterrupt(done));
    } finally {
      await sb.stop();
      ctx.out.write('Sandbox removed.\n');
    }
    return 0;
  },
};

export const demoCommand: CommandSpec = {
  name: 'demo',
  summary: 'Sandbox + 60 s stress run of 1,000 amphorae with the live dashboard, verdict and HTML report.',
  usage: 'stresshm demo [--amphorae 1000] [--duration 60]',
  flags: [
    { name: 'amphorae', type: 'string', help: 'Ghost amphorae (2 per load balancer; default 1000).' },
    { name: 'duration', type: 'string', help: 'Seconds of heartbeats (default 60).' },
  ],
  async run(ctx) {
    const amphorae = intFlag(ctx, 'amphorae', 1000, 2, 200000);
    const duration = intFlag(ctx, 'duration', 60, 5, 3600);
    ctx.out.write('Starting a throwaway Octavia: database, schema (octavia-db-manage), 2 health managers...\n');
    const sb = await startSandbox({ hms: 2, heartbeatInterval: 10 });
    setInterruptHint(() => `Sandbox files are in ${sb.dir}; database ${sb.database} may remain.`);
    try {
      describe(ctx, sb);
      const reports = resolve('reports');
      mkdirSync(reports, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
      const html = join(reports, `demo-${stamp}.html`);
      const cfg = loadConfig([sb.stresshmConf, ...ctx.configFiles], {
        load_balancers: String(Math.ceil(amphorae / 2)), test_runtime_secs: String(duration), members: '4', ...ctx.overrides,
      });
      const res = await runStress({ cfg, keep: false, yes: true, hmLogs: sb.hmLogs, out: ctx.out, cleanHint: (p) => `stresshm --config-file ${sb.stresshmConf} clean ${p}`,
        reports: { html, json: join(reports, `demo-${stamp}.json`) } });
      printSummary(ctx, res.record, res.reportFiles);
      return res.exitCode;
    } finally {
      await sb.stop();
      ctx.out.write('Sandbox torn down: health managers stopped, database dropped, files removed.\n');
    }
  },
};

function notBuilt(name: string, summary: string): CommandSpec {
  return {
    name, summary: `${summary} (not built yet)`, usage: `stresshm ${name}`, flags: [],
    async run() { throw new UsageError(`${name} is not built yet (see the README's status section)`); },
  };
}

export const compareCommand = notBuilt('compare', 'Compare two health manager builds (capacity knee, lag, CPU per 1,000 heartbeats).');
export const apiBenchCommand = notBuilt('api-bench', 'Time the Octavia API list calls over growing ghost populations.');
