// API list benchmark: times the Octavia API's list calls over ghost populations of growing
// size, with and without pagination and with a filter, and checks every answer's count.

import { EnvError } from '../errors';
import { percentile } from '../run/monitor';

/** Tokens from Keystone: the current one, or a new one (KeystoneSession). */
export interface TokenSource {
  token(): Promise<string>;
  renew(): Promise<string>;
}

export interface ApiTarget {
  url: string;
  /** A fixed token (--token); without `auth` or `token` the API must run in noauth mode. */
  token?: string;
  auth?: TokenSource;
  projectId: string;
}

export interface CallTiming {
  size: number;
  call: string;
  variant: 'full' | 'page' | 'filter';
  status: number;
  count: number;
  expected: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** The list calls, their JSON key, and how many items each returns for a population. */
export interface ListCall {
  call: string;
  path: string;
  key: string;
  expected: number;
}

/** One timed GET (the token is obtained before the clock starts). */
async function timedGet(
  t: ApiTarget,
  path: string,
  token: string,
): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
  const started = performance.now();
  let r: Response;
  try {
    r = await fetch(`${t.url}${path}`, {
      headers: { 'X-Auth-Token': token, Accept: 'application/json' },
      signal: AbortSignal.timeout(120000),
    });
  } catch (e) {
    throw new EnvError(`Octavia API at ${t.url} does not answer: ${(e as Error).message}`);
  }
  const body = (await r.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: r.status, body, ms: performance.now() - started };
}

export async function getJson(
  t: ApiTarget,
  path: string,
): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
  let r = await timedGet(t, path, t.auth ? await t.auth.token() : (t.token ?? 'noauth'));
  // a Keystone token the API refuses (expired early, revoked) is replaced once
  if (r.status === 401 && t.auth) r = await timedGet(t, path, await t.auth.renew());
  if (r.status === 401 || r.status === 403)
    throw new EnvError(
      t.auth
        ? `Octavia API at ${t.url} answered ${r.status} to a fresh Keystone token: the user needs a role that ` +
            'lists load balancers (admin for amphorae)'
        : `Octavia API at ${t.url} answered ${r.status}: give a valid Keystone token (--os-cloud, OS_* ` +
            'variables or --token; admin for amphorae)',
    );
  return r;
}

async function timeCall(
  t: ApiTarget,
  path: string,
  key: string,
  repeat: number,
): Promise<{ status: number; count: number; times: number[]; last?: string }> {
  const times: number[] = [];
  let status = 0;
  let count = 0;
  let last: string | undefined;
  for (let i = 0; i < repeat; i++) {
    const r = await getJson(t, path);
    times.push(r.ms);
    status = r.status;
    const items = (r.body[key] ?? []) as Array<{ id: string }>;
    count = items.length;
    last = items[items.length - 1]?.id;
  }
  return { status, count, times: times.sort((a, b) => a - b), last };
}

/** Checks the API answers and accepts the token before anything is written. */
export async function preflight(t: ApiTarget): Promise<void> {
  const r = await getJson(t, '/v2/lbaas/loadbalancers?limit=1');
  if (r.status !== 200) throw new EnvError(`Octavia API at ${t.url} answered ${r.status} to a list call`);
}

/** The id of the first item a list call returns. */
export async function firstId(t: ApiTarget, path: string, key: string): Promise<string> {
  const items = ((await getJson(t, path)).body[key] ?? []) as Array<{ id: string }>;
  if (!items[0]) throw new EnvError(`Octavia API at ${t.url} lists no ${key} for the ghosts (${path})`);
  return items[0].id;
}

/** Times each call: the whole list, the second page of `pageSize` (limit + marker), and a filter. */
export async function benchCalls(
  t: ApiTarget,
  size: number,
  calls: ListCall[],
  repeat: number,
  pageSize: number,
  filterName: string,
): Promise<CallTiming[]> {
  const out: CallTiming[] = [];
  const stat = (
    call: ListCall,
    variant: CallTiming['variant'],
    r: { status: number; count: number; times: number[] },
    expected: number,
  ) =>
    out.push({
      size,
      call: call.call,
      variant,
      status: r.status,
      count: r.count,
      expected,
      p50Ms: percentile(r.times, 0.5),
      p95Ms: percentile(r.times, 0.95),
      maxMs: r.times[r.times.length - 1] ?? 0,
    });
  for (const c of calls) {
    const sep = c.path.includes('?') ? '&' : '?';
    const full = await timeCall(t, `${c.path}${sep}limit=${Math.max(1, c.expected)}`, c.key, repeat);
    stat(c, 'full', full, c.expected);
    const first = await timeCall(t, `${c.path}${sep}limit=${pageSize}`, c.key, 1);
    const page = first.last
      ? await timeCall(t, `${c.path}${sep}limit=${pageSize}&marker=${first.last}`, c.key, repeat)
      : first;
    stat(c, 'page', page, Math.max(0, Math.min(pageSize, c.expected - pageSize)));
    if (c.call === 'loadbalancers') {
      const f = await timeCall(t, `${c.path}${sep}name=${encodeURIComponent(filterName)}`, c.key, repeat);
      stat(c, 'filter', f, 1);
    }
  }
  return out;
}
