// `sandbox` (a throwaway Octavia on loopback until Ctrl-C), `demo` (sandbox + a stress run
// with the live dashboard + verdict + HTML report, then teardown), `api-bench` (API list
// latency over growing ghost populations) and `compare` (two HM builds side by side).

import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Config, loadConfig } from '../../config/config';
import { parseDbUrl } from '../../config/dburl';
import { EnvError, UsageError } from '../../errors';
import {
  type ApiTarget,
  benchCalls,
  type CallTiming,
  firstId,
  type ListCall,
  preflight,
} from '../../experiments/apibench';
import { type CompareOptions, compareFigures, measureBuild } from '../../experiments/compare';
import { cleanPrefix } from '../../ghostdb/clean';
import { planFromConfig } from '../../ghostdb/ghosts';
import { confirmTarget } from '../../ghostdb/guard';
import { holdPrefixLock } from '../../ghostdb/lock';
import { populate } from '../../ghostdb/populate';
import { checkPrivileges } from '../../ghostdb/privileges';
import { loadSchema, type Schema } from '../../ghostdb/schema';
import { DbSession } from '../../ghostdb/session';
import { onInterrupt, setInterruptHint } from '../../lifecycle/interrupt';
import { OCTAVIA_FLAG_HELP, parseOctaviaChoice } from '../../octavia/release';
import { readyOctavia, type Sandbox, startSandbox } from '../../octavia/sandbox';
import { checkOutputPath } from '../../report';
import { renderApiBenchHtml } from '../../report/apibench';
import { renderCompareHtml } from '../../report/compare';
import { runStress } from '../../run/runner';
import { Progress } from '../../terminal/progress';
import { toolVersion } from '../../version';
import { type CommandContext, type CommandSpec, flagNumber, flagString, flagText } from '../command';
import { capacityFlags } from '../flags';
import { cleanCommandLine } from './ghosts';
import { printSummary } from './run';

const octaviaFlag = { name: 'octavia', type: 'string' as const, help: OCTAVIA_FLAG_HELP };

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
    ctx.out.write('Starting a throwaway Octavia: database, schema (octavia-db-manage), 2 health managers...\n');
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
      printSummary(ctx, res.record, res.reportFiles, res.reportProblems);
      ctx.out.write(`Octavia under test: ${sb.octaviaVersion}\n`);
      return res.exitCode;
    } finally {
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
    const fa = await measureBuild(choices[0], o, line);
    const fb = await measureBuild(choices[1], o, line);
    const rows = compareFigures(fa, fb);
    line(`\n${'metric'.padEnd(40)} ${'A'.padStart(10)} ${'B'.padStart(10)} ${'B vs A'.padStart(9)}  noise`);
    for (const r of rows)
      line(
        `${r.metric.padEnd(40)} ${r.a.toFixed(2).padStart(10)} ${r.b.toFixed(2).padStart(10)} ` +
          `${`${r.diffPct >= 0 ? '+' : ''}${r.diffPct.toFixed(1)}%`.padStart(9)}  +-${r.noisePct.toFixed(0)}%` +
          `${r.withinNoise ? ' (within noise)' : ' (BEYOND NOISE)'}`,
      );
    line(`A (${fa.version}): ${fa.knee.knee}\nB (${fb.version}): ${fb.knee.knee}`);
    const json = flagString(ctx, 'report_json');
    const html = flagString(ctx, 'report_html');
    if (json)
      writeFileSync(
        json,
        `${JSON.stringify({ kind: 'compare', version: toolVersion(), a: fa, b: fb, rows }, null, 2)}\n`,
      );
    if (html) writeFileSync(html, renderCompareHtml(fa, fb, rows));
    return 0;
  },
};
function callsFor(
  t: ApiTarget,
  cfg: Config,
  size: number,
  ids: { lb: string; pool: string; policy?: string },
): ListCall[] {
  const p = `project_id=${t.projectId}`;
  const listeners = size * cfg.listeners;
  const pools = listeners * cfg.pools;
  const calls: ListCall[] = [
    { call: 'loadbalancers', path: `/v2/lbaas/loadbalancers?${p}`, key: 'loadbalancers', expected: size },
    { call: 'listeners', path: `/v2/lbaas/listeners?${p}`, key: 'listeners', expected: listeners },
    { call: 'pools', path: `/v2/lbaas/pools?${p}`, key: 'pools', expected: pools },
    { call: 'members', path: `/v2/lbaas/pools/${ids.pool}/members`, key: 'members', expected: cfg.members },
    {
      call: 'healthmonitors',
      path: `/v2/lbaas/healthmonitors?${p}`,
      key: 'healthmonitors',
      expected: pools * cfg.healthMonitors,
    },
    { call: 'l7policies', path: `/v2/lbaas/l7policies?${p}`, key: 'l7policies', expected: listeners * cfg.l7policies },
    {
      call: 'amphorae',
      path: `/v2/octavia/amphorae?loadbalancer_id=${ids.lb}`,
      key: 'amphorae',
      expected: cfg.topology === 'SINGLE' ? 1 : 2,
    },
  ];
  if (ids.policy)
    calls.push({
      call: 'l7rules',
      path: `/v2/lbaas/l7policies/${ids.policy}/rules`,
      key: 'rules',
      expected: cfg.l7rules,
    });
  return calls;
}

export const apiBenchCommand: CommandSpec = {
  name: 'api-bench',
  summary: 'Time the Octavia API list calls over ghost populations of growing size (with pagination and a filter).',
  usage:
    'stresshm api-bench (--sandbox [--octavia installed|SUITE|PATH] | --api-url URL [--token T] --config-file ' +
    'F) [--sizes N,N,...] [--repeat N] [--report-json F] [--report-html F]',
  description:
    'Populates ghosts up to each size (one project), then times each list call: the whole list, the second ' +
    'page\n(limit + marker) and a name filter; every answer must be 200 with the expected count. The ghosts ' +
    'are removed at the end.',
  flags: [
    { name: 'sandbox', type: 'bool', help: 'Start a throwaway Octavia (DB, API in noauth mode) and benchmark it.' },
    octaviaFlag,
    {
      name: 'api_url',
      type: 'string',
      help: 'Octavia API endpoint, e.g. http://127.0.0.1:9876 (the ghosts go to the configured database).',
    },
    { name: 'token', type: 'string', help: 'Keystone token (X-Auth-Token) for a real API; admin to list amphorae.' },
    {
      name: 'sizes',
      type: 'string',
      default: '100,1000,10000',
      help: 'Population sizes in load balancers, increasing.',
    },
    { name: 'repeat', type: 'int', default: 5, min: 1, max: 1000, help: 'Timed calls per list and variant.' },
    { name: 'page_size', type: 'int', default: 100, min: 1, max: 10000, help: 'limit for the paginated variant.' },
    { name: 'report_json', type: 'string', help: 'Write every timing as JSON.' },
    { name: 'report_html', type: 'string', help: 'Write a self-contained HTML report.' },
  ],
  async run(ctx) {
    const sizes = flagText(ctx, 'sizes').split(',').map(Number);
    if (sizes.some((n) => !Number.isInteger(n) || n < 1) || sizes.some((n, i) => i > 0 && n <= sizes[i - 1]))
      throw new UsageError('--sizes must be increasing whole numbers, e.g. 100,1000,10000');
    const repeat = flagNumber(ctx, 'repeat');
    const pageSize = flagNumber(ctx, 'page_size');
    const useSandbox = ctx.flags.sandbox === true;
    if (!useSandbox && !flagString(ctx, 'api_url')) throw new UsageError('give --sandbox or --api-url URL');
    if (!useSandbox && flagString(ctx, 'octavia'))
      throw new UsageError("--octavia chooses the sandbox's Octavia; give it with --sandbox");
    const octavia = parseOctaviaChoice(flagString(ctx, 'octavia'));
    const json = flagString(ctx, 'report_json');
    const html = flagString(ctx, 'report_html');
    if (json) checkOutputPath('report-json', json);
    if (html) checkOutputPath('report-html', html);
    const sb = useSandbox
      ? await startSandbox({ hms: 1, api: true, say: (s) => ctx.out.write(s), octavia })
      : undefined;
    if (sb) ctx.out.write(`${sb.octaviaVersion}, API ${sb.api!.url}\n`);
    const projectId = randomUUID();
    const files = sb ? [sb.stresshmConf, ...ctx.configFiles] : ctx.configFiles;
    const t: ApiTarget = {
      url: sb?.api?.url ?? flagString(ctx, 'api_url')!,
      token: flagString(ctx, 'token'),
      projectId,
    };
    const prefixes: string[] = [];
    const cfg = loadConfig(files, { ...ctx.overrides, project_id: projectId });
    const db = parseDbUrl(cfg.dbConnection);
    // The run's lifecycle rules: bounded statements and reconnects, privileges and the prefix lock before
    // the first write, one cleanup path whatever stops it, and the exact clean commands when it cannot.
    const session = new DbSession(db);
    const timings: CallTiming[] = [];
    const cleanHint = () => prefixes.map((p) => cleanCommandLine(ctx, p)).join('; ');
    setInterruptHint(() => (prefixes.length ? `Remove the ghosts with: ${cleanHint()}` : undefined));
    let schema: Schema | undefined;
    try {
      await preflight(t);
      const conn = await session.conn();
      schema = await loadSchema(conn, db.database, 3);
      await checkPrivileges(conn, schema, 'write', 3);
      await confirmTarget(conn, db, 'write ghost load balancers', { yes: ctx.yes || useSandbox });
      let have = 0;
      for (const size of sizes) {
        const plan = planFromConfig({ ...cfg, loadBalancers: size - have });
        await holdPrefixLock(conn, plan.prefix);
        prefixes.push(plan.prefix);
        await populate(conn, schema, plan, { progress: new Progress(`populate to ${size} LBs`) });
        have = size;
        const ids = {
          lb: await firstId(t, `/v2/lbaas/loadbalancers?project_id=${projectId}&limit=1`, 'loadbalancers'),
          pool: await firstId(t, `/v2/lbaas/pools?project_id=${projectId}&limit=1`, 'pools'),
          policy:
            cfg.l7policies > 0
              ? await firstId(t, `/v2/lbaas/l7policies?project_id=${projectId}&limit=1`, 'l7policies')
              : undefined,
        };
        const res = await benchCalls(t, size, callsFor(t, cfg, size, ids), repeat, pageSize, `${prefixes[0]}-lb1`);
        timings.push(...res);
        for (const r of res) {
          ctx.out.write(
            `${String(size).padStart(7)} LBs  ${r.call.padEnd(15)} ${r.variant.padEnd(6)} ${r.status} ` +
              `${String(r.count).padStart(7)}/${String(r.expected).padEnd(7)} p50 ` +
              `${r.p50Ms.toFixed(1).padStart(8)} ms  p95 ${r.p95Ms.toFixed(1).padStart(8)} ms\n`,
          );
        }
      }
    } finally {
      try {
        for (const p of [...prefixes]) {
          if (schema) await session.retry('clean', (c) => cleanPrefix(c, schema!, p, cfg.batchSize));
          prefixes.splice(prefixes.indexOf(p), 1);
        }
      } catch (e) {
        // biome-ignore lint/correctness/noUnsafeFinally: a failed clean-up is reported over any earlier error
        throw new EnvError(`${e instanceof Error ? e.message : String(e)}; remove the ghosts with: ${cleanHint()}`);
      } finally {
        await session.end();
        await sb?.stop();
      }
    }
    if (json) {
      const doc = {
        kind: 'api-bench',
        version: toolVersion(),
        url: t.url,
        octavia: sb?.octaviaVersion,
        repeat,
        pageSize,
        timings,
      };
      writeFileSync(json, `${JSON.stringify(doc, null, 2)}\n`);
    }
    if (html) writeFileSync(html, renderApiBenchHtml(timings));
    const bad = timings.filter((r) => r.status !== 200 || r.count !== r.expected);
    if (bad.length) {
      ctx.err.write(
        `stresshm: ${bad.length} calls answered wrongly, e.g. ${bad[0].call} ${bad[0].variant} at ` +
          `${bad[0].size}: ${bad[0].status}, ${bad[0].count} of ${bad[0].expected}\n`,
      );
      return 1;
    }
    return 0;
  },
};
