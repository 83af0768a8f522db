// `api-bench`: the Octavia API's list calls timed over ghost populations of growing size, with the
// run's lifecycle rules for the ghosts it writes (bounded statements, locks, one cleanup path).

import { randomUUID } from 'node:crypto';
import { resolveCloudAuth } from '../../config/cloudauth';
import { type Config, loadConfig } from '../../config/config';
import { maskUrl, parseDbUrl } from '../../config/dburl';
import { EnvError, UsageError } from '../../errors';
import {
  type ApiTarget,
  benchCalls,
  type CallTiming,
  firstId,
  type ListCall,
  preflight,
} from '../../experiments/apibench';
import { KeystoneSession } from '../../experiments/keystone';
import { cleanPrefix } from '../../ghostdb/clean';
import { planFromConfig } from '../../ghostdb/ghosts';
import { confirmTarget } from '../../ghostdb/guard';
import { holdPrefixLock } from '../../ghostdb/lock';
import { populate } from '../../ghostdb/populate';
import { checkPrivileges } from '../../ghostdb/privileges';
import { loadSchema, type Schema } from '../../ghostdb/schema';
import { DbSession } from '../../ghostdb/session';
import { setInterruptHint } from '../../lifecycle/interrupt';
import { parseOctaviaChoice } from '../../octavia/release';
import { startSandbox } from '../../octavia/sandbox';
import { Progress } from '../../terminal/progress';
import { toolVersion } from '../../version';
import { type CommandContext, type CommandSpec, flagNumber, flagString, flagText } from '../command';
import { commandMeta, emitReports, reportPaths } from '../reports';
import { cleanCommandLine } from './ghosts';
import { octaviaFlag } from './sandbox';

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

/** Keystone credentials (--os-cloud, OS_CLOUD or OS_AUTH_URL) when no --token is given; else none. */
function keystoneFor(ctx: CommandContext): KeystoneSession | undefined {
  const cloud = flagString(ctx, 'os_cloud');
  if (flagString(ctx, 'token')) {
    if (cloud) throw new UsageError('give either --token or --os-cloud, not both');
    return undefined;
  }
  const auth = resolveCloudAuth(process.env, {
    cloud,
    regionName: flagString(ctx, 'os_region_name'),
    interface: flagString(ctx, 'os_interface'),
  });
  return auth && new KeystoneSession(auth);
}

export const apiBenchCommand: CommandSpec = {
  name: 'api-bench',
  summary: 'Time the Octavia API list calls over ghost populations of growing size (with pagination and a filter).',
  usage:
    'stresshm api-bench (--sandbox [--octavia installed|SUITE|PATH] | [--os-cloud NAME | OS_* variables] ' +
    '[--api-url URL] --config-file F | --api-url URL [--token T] --config-file F) [--sizes N,N,...] [--repeat N] ' +
    '[--report-json F] [--report-html F]',
  description:
    'Populates ghosts up to each size (one project), then times each list call: the whole list, the second ' +
    'page\n(limit + marker) and a name filter; every answer must be 200 with the expected count. The ghosts ' +
    'are removed at the end.\n' +
    'Keystone: --os-cloud NAME (or OS_CLOUD) reads clouds.yaml (OS_CLIENT_CONFIG_FILE, ./, ~/.config/openstack/, ' +
    '/etc/openstack/;\nsecure.yaml merged); without it OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, ' +
    'OS_USER_DOMAIN_NAME,\nOS_PROJECT_DOMAIN_NAME (or the _ID forms), OS_REGION_NAME, OS_INTERFACE; ' +
    'OS_AUTH_TYPE=v3applicationcredential\nwith OS_APPLICATION_CREDENTIAL_ID/_SECRET. The Octavia endpoint is the ' +
    "catalog's load-balancer one unless --api-url\nis given; the token is renewed before it expires and once " +
    'if the API refuses it. Secrets are never printed.',
  flags: [
    { name: 'sandbox', type: 'bool', help: 'Start a throwaway Octavia (DB, API in noauth mode) and benchmark it.' },
    octaviaFlag,
    {
      name: 'api_url',
      type: 'string',
      help: 'Octavia API endpoint, e.g. http://127.0.0.1:9876 (the ghosts go to the configured database).',
    },
    { name: 'token', type: 'string', help: 'Keystone token (X-Auth-Token) for a real API; admin to list amphorae.' },
    { name: 'os_cloud', type: 'string', help: 'Cloud name in clouds.yaml (default: OS_CLOUD) to authenticate with.' },
    { name: 'os_region_name', type: 'string', help: 'Region of the load-balancer endpoint (default: OS_REGION_NAME).' },
    {
      name: 'os_interface',
      type: 'string',
      help: 'Catalog interface: public, internal or admin (default: OS_INTERFACE, else public).',
    },
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
    if (useSandbox && (flagString(ctx, 'os_cloud') || flagString(ctx, 'token')))
      throw new UsageError('--sandbox runs its API without authentication; --os-cloud and --token are for a real API');
    const keystone = useSandbox ? undefined : keystoneFor(ctx);
    if (!useSandbox && !keystone && !flagString(ctx, 'api_url'))
      throw new UsageError('give --sandbox, --os-cloud NAME (or OS_* variables), or --api-url URL');
    if (!useSandbox && flagString(ctx, 'octavia'))
      throw new UsageError("--octavia chooses the sandbox's Octavia; give it with --sandbox");
    const octavia = parseOctaviaChoice(flagString(ctx, 'octavia'));
    const paths = reportPaths(ctx);
    const started = new Date();
    const sb = useSandbox
      ? await startSandbox({ hms: 1, api: true, say: (s) => ctx.out.write(s), octavia })
      : undefined;
    if (sb) ctx.out.write(`${sb.octaviaVersion}, API ${sb.api!.url}\n`);
    const projectId = randomUUID();
    const files = sb ? [sb.stresshmConf, ...ctx.configFiles] : ctx.configFiles;
    if (keystone) ctx.out.write(`Authenticating with Keystone (${keystone.auth.source})...\n`);
    const t: ApiTarget = {
      url: sb?.api?.url ?? flagString(ctx, 'api_url') ?? (await keystone!.endpoint()),
      token: flagString(ctx, 'token'),
      auth: keystone,
      projectId,
    };
    if (keystone) ctx.out.write(`Octavia API ${t.url}\n`);
    const prefixes: string[] = [];
    const cfg = loadConfig(files, { ...ctx.overrides, project_id: projectId });
    const meta = commandMeta(ctx, `API ${t.url}; database ${maskUrl(cfg.dbConnection ?? '')}`, files);
    meta.date = started.toISOString();
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
      const first = await session.conn();
      schema = await loadSchema(first, db.database, 3);
      await checkPrivileges(first, schema, 'write', 3);
      await confirmTarget(first, db, 'write ghost load balancers', { yes: ctx.yes || useSandbox });
      // a reconnect (the socket times out when idle) takes the prefix locks again
      session.whenConnected(async (c) => {
        for (const p of prefixes) await holdPrefixLock(c, p);
      });
      let have = 0;
      for (const size of sizes) {
        const plan = planFromConfig({ ...cfg, loadBalancers: size - have });
        const conn = await session.conn();
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
        // the API calls can outlast the socket timeout: keep the connection (and its locks) alive
        const ping = setInterval(() => void session.run((c) => c.query('SELECT 1')).catch(() => undefined), 10_000);
        const res = await benchCalls(
          t,
          size,
          callsFor(t, cfg, size, ids),
          repeat,
          pageSize,
          `${prefixes[0]}-lb1`,
        ).finally(() => clearInterval(ping));
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
    {
      const doc = {
        kind: 'api-bench',
        version: toolVersion(),
        url: t.url,
        octavia: sb?.octaviaVersion,
        auth: keystone ? { source: keystone.auth.source, tokenRenewals: keystone.renewals } : undefined,
        repeat,
        pageSize,
        timings,
      };
      emitReports(ctx, { kind: 'api-bench', meta, timings, json: doc }, paths);
    }
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
