// `sandbox` (a throwaway Octavia on loopback until Ctrl-C), `demo` (sandbox + a stress run
// with the live dashboard + verdict + HTML report, then teardown), `api-bench` (API list
// latency over growing ghost populations) and `compare` (two HM builds side by side).

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config/config';
import { EnvError, UsageError } from '../../errors';
import { type CompareOptions, compareFigures, comparisonTable, measureBuild } from '../../experiments/compare';
import { onInterrupt, setInterruptHint } from '../../lifecycle/interrupt';
import { OCTAVIA_FLAG_HELP, parseOctaviaChoice } from '../../octavia/release';
import { readyOctavia, type Sandbox, startSandbox } from '../../octavia/sandbox';
import { newMeta } from '../../report';
import { runStress } from '../../run/runner';
import { printSummary } from '../../terminal/summary';
import { toolVersion } from '../../version';
import { type CommandContext, type CommandSpec, flagNumber, flagString, summaryIo } from '../command';
import { capacityFlags } from '../flags';
import { emitReports, flagSettings, reportPaths } from '../reports';

export const octaviaFlag = { name: 'octavia', type: 'string' as const, help: OCTAVIA_FLAG_HELP };

function describe(ctx: CommandContext, sb: Sandbox): void {
  ctx.out.write(
    `${sb.octaviaVersion}\nSandbox up in ${sb.dir}\n  database ${sb.database}` +
      `${sb.privateDb ? ` on a private mariadbd (127.0.0.1:${sb.privateDb.server.port})` : ''}\n  health ` +
      `managers ${sb.endpoints.join(', ')}\n`,
  );
  if (sb.api) ctx.out.write(`  API ${sb.api.url} (noauth)\n`);
  ctx.out.write(`  HM logs ${sb.hmLogs.join(', ')}\n  stresshm config ${sb.stresshmConf}\n`);
}

function portList(ctx: CommandContext, name: string): number[] | undefined {
  const v = flagString(ctx, name);
  if (v === undefined) return undefined;
  const ports = v.split(',').map((x) => Number(x.trim()));
  if (!ports.length || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new UsageError(`--${name.replace(/_/g, '-')} must be port numbers from 1 to 65535, separated by commas`);
  }
  return ports;
}

export const sandboxCommand: CommandSpec = {
  name: 'sandbox',
  summary: 'Start a throwaway Octavia on loopback (DB, real health managers, optional API) until Ctrl-C.',
  usage:
    'stresshm sandbox [--octavia installed|SUITE|PATH] [--hms N | --hm-ports P1,P2] [--api [--api-port P]] ' +
    '[--health-update-threads N] [--heartbeat-interval S] [--private-db]',
  description:
    'The database goes on the local MariaDB (root@127.0.0.1:3306); when none answers, or with --private-db,\n' +
    'a private mariadbd is started from the system binary in a temporary data directory. Everything is removed\n' +
    'on Ctrl-C, and when any part of the sandbox dies (exit 3).',
  flags: [
    { name: 'hms', type: 'int', default: 2, min: 1, max: 16, help: 'Health manager processes.' },
    {
      name: 'hm_ports',
      type: 'string',
      help: 'UDP ports of the health managers, comma-separated (default: free ports).',
    },
    { name: 'api', type: 'bool', help: 'Also start octavia-api (noauth) on a loopback port.' },
    { name: 'api_port', type: 'string', help: 'TCP port of the API (default: a free port).' },
    {
      name: 'health_update_threads',
      type: 'int',
      default: 2,
      min: 1,
      max: 64,
      help: 'health_update_threads of each HM.',
    },
    {
      name: 'heartbeat_interval',
      type: 'int',
      default: 10,
      min: 1,
      max: 3600,
      help: 'heartbeat_interval of the HMs and the written stresshm.conf.',
    },
    { name: 'private_db', type: 'bool', help: 'Use a private mariadbd even when the local MariaDB answers.' },
    octaviaFlag,
  ],
  async run(ctx) {
    const hmPorts = portList(ctx, 'hm_ports');
    const apiPort = portList(ctx, 'api_port')?.[0];
    const sb = await startSandbox({
      hms: hmPorts?.length ?? flagNumber(ctx, 'hms'),
      hmPorts,
      api: ctx.flags.api === true || apiPort !== undefined,
      apiPort,
      healthUpdateThreads: flagNumber(ctx, 'health_update_threads'),
      heartbeatInterval: flagNumber(ctx, 'heartbeat_interval'),
      privateDb: ctx.flags.private_db === true,
      say: (s) => ctx.out.write(s),
      octavia: parseOctaviaChoice(flagString(ctx, 'octavia')),
    });
    setInterruptHint(() => `Sandbox files are in ${sb.dir}; database ${sb.database} may remain.`);
    let crash: string | undefined;
    try {
      describe(ctx, sb);
      ctx.out.write(
        `Run against it:  stresshm --config-file ${sb.stresshmConf} run --hm-log ` +
          `${sb.hmLogs.join(' --hm-log ')}\nPress Ctrl-C to tear it down.\n`,
      );
      crash = await Promise.race([new Promise<undefined>((done) => onInterrupt(() => done(undefined))), sb.crashed]);
    } finally {
      ctx.out.write('Stopping the sandbox: Octavia processes, database, files...\n');
      await sb.stop();
      ctx.out.write('Sandbox removed.\n');
    }
    if (crash) throw new EnvError(`sandbox torn down: ${crash}`);
    return 0;
  },
};

export const demoCommand: CommandSpec = {
  name: 'demo',
  summary: 'Sandbox + 60 s stress run of 1,000 amphorae with the live dashboard, verdict and HTML report.',
  usage: 'stresshm demo [--octavia installed|SUITE|PATH] [--amphorae N] [--duration SECS]',
  flags: [
    octaviaFlag,
    {
      name: 'amphorae',
      type: 'int',
      default: 1000,
      min: 2,
      max: 200000,
      help: 'Ghost amphorae (2 per load balancer).',
    },
    { name: 'duration', type: 'int', default: 60, min: 5, max: 3600, help: 'Seconds of heartbeats.' },
  ],
  async run(ctx) {
    const amphorae = flagNumber(ctx, 'amphorae');
    const duration = flagNumber(ctx, 'duration');
    const octavia = parseOctaviaChoice(flagString(ctx, 'octavia'));
    ctx.out.write('Starting a throwaway Octavia: database, schema, 2 health managers...\n');
    const sb = await startSandbox({ hms: 2, heartbeatInterval: 10, say: (s) => ctx.out.write(s), octavia });
    setInterruptHint(() => `Sandbox files are in ${sb.dir}; database ${sb.database} may remain.`);
    try {
      describe(ctx, sb);
      const reports = resolve('reports');
      mkdirSync(reports, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
      const html = join(reports, `demo-${stamp}.html`);
      const cfg = loadConfig([sb.stresshmConf, ...ctx.configFiles], {
        load_balancers: String(Math.ceil(amphorae / 2)),
        test_runtime_secs: String(duration),
        members: '4',
        ...ctx.overrides,
      });
      const res = await runStress({
        cfg,
        keep: false,
        yes: true,
        hmLogs: sb.hmLogs,
        out: ctx.out,
        cleanHint: (p) => `stresshm --config-file ${sb.stresshmConf} clean ${p}`,
        reports: { html, json: join(reports, `demo-${stamp}.json`) },
      });
      printSummary(summaryIo(ctx), res.record, res.reportFiles, res.reportProblems);
      ctx.out.write(`Octavia under test: ${sb.octaviaVersion}\n`);
      return res.exitCode;
    } finally {
      ctx.out.write('Stopping the sandbox: Octavia processes, database, files...\n');
      await sb.stop();
      ctx.out.write('Sandbox torn down: health managers stopped, database dropped, files removed.\n');
    }
  },
};

export const compareCommand: CommandSpec = {
  name: 'compare',
  summary:
    'The same scenario against two HM builds (source checkouts or "installed"): knee, lag, CPU per 1,000 heartbeats.',
  usage:
    'stresshm compare A B [--fixed-rate N] [--fixed-secs N] [--interval N] [--start-rate N] [--factor N] ' +
    '[--max-rate N] [--step-secs N] [--refine N] [--report-json F] [--report-html F]',
  args: ['A', 'B'],
  description:
    "A and B are paths to Octavia source checkouts (run with the system's Octavia dependencies) or " +
    '"installed".\nEach build gets its own sandbox (1 HM): two fixed-load runs (their spread is the noise) ' +
    'and a capacity search.',
  flags: [
    {
      name: 'fixed_rate',
      type: 'int',
      default: 200,
      min: 1,
      max: 100000,
      help: 'Heartbeats/s of the fixed-load runs.',
    },
    { name: 'fixed_secs', type: 'int', default: 20, min: 5, max: 3600, help: 'Seconds of each fixed-load run.' },
    {
      name: 'interval',
      type: 'int',
      default: 2,
      min: 1,
      max: 60,
      help: 'heartbeat_interval of the sandboxes and runs.',
    },
    {
      name: 'health_update_threads',
      type: 'int',
      default: 1,
      min: 1,
      max: 64,
      help: 'health_update_threads of the HM.',
    },
    ...capacityFlags({ maxRate: 3000, stepSecs: 15, refine: 1 }),
    { name: 'report_json', type: 'string', help: "Write both builds' figures and the comparison as JSON." },
    { name: 'report_html', type: 'string', help: 'Write a self-contained HTML report with both curves.' },
  ],
  async run(ctx) {
    const [a, b] = ctx.positional;
    if (!a || !b)
      throw new UsageError('compare needs two Octavias: stresshm compare installed|SUITE|PATH installed|SUITE|PATH');
    const choices = [parseOctaviaChoice(a), parseOctaviaChoice(b)];
    const paths = reportPaths(ctx);
    const versions: string[] = [];
    for (const c of choices) versions.push((await readyOctavia(c, (s) => ctx.out.write(s))).version);
    ctx.out.write(`A: ${versions[0]}\nB: ${versions[1]}\n`);
    const interval = flagNumber(ctx, 'interval');
    const o: CompareOptions = {
      fixedRate: flagNumber(ctx, 'fixed_rate'),
      fixedSecs: flagNumber(ctx, 'fixed_secs'),
      intervalSecs: interval,
      healthUpdateThreads: flagNumber(ctx, 'health_update_threads'),
      capacity: {
        startRate: flagNumber(ctx, 'start_rate'),
        factor: flagNumber(ctx, 'factor'),
        maxRate: flagNumber(ctx, 'max_rate'),
        stepSecs: flagNumber(ctx, 'step_secs'),
        refineSteps: flagNumber(ctx, 'refine'),
      },
    };
    const line = (s: string) => ctx.out.write(`${s}\n`);
    const started = new Date();
    const fa = await measureBuild(choices[0], o, line);
    const fb = await measureBuild(choices[1], o, line);
    const rows = compareFigures(fa, fb);
    for (const l of comparisonTable(rows)) line(l);
    line(`A (${fa.version}): ${fa.knee.knee}\nB (${fb.version}): ${fb.knee.knee}`);
    // each build runs in its own sandbox with the settings the flags give: they are the settings
    const meta = newMeta(
      `sandboxes on loopback: A ${fa.version ?? a}, B ${fb.version ?? b}`,
      flagSettings(ctx),
      started,
    );
    const json = { kind: 'compare', version: toolVersion(), a: fa, b: fb, rows };
    emitReports(ctx, { kind: 'compare', meta, a: fa, b: fb, rows, json }, paths);
    return 0;
  },
};
