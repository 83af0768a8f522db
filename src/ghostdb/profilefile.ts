// The profile file: strict reading and checking of a profile JSON (one-line errors naming the
// bad field), and the readable summary printed beside it.

import { readFileSync } from 'node:fs';
import { UsageError } from '../errors';
import {
  type LbShape,
  type ListenerShape,
  MEMBER_STATUSES,
  membersOf,
  type PoolShape,
  type Profile,
  poolCount,
} from './shapes';

const NAME_RE = /^[A-Z][A-Z0-9_-]{0,63}$/;

function fail(where: string, what: string): never {
  throw new UsageError(`profile: ${where} ${what}`);
}

function count(v: unknown, where: string, max = 1_000_000): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    fail(where, `must be a whole number from 0 to ${max}`);
  }
  return v;
}

function word(v: unknown, where: string, nullable: boolean): string | null {
  if (v === null && nullable) return null;
  if (typeof v !== 'string' || !NAME_RE.test(v)) fail(where, 'must be an Octavia type name (upper case)');
  return v;
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'must be an object');
  return v as Record<string, unknown>;
}

function list(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) fail(where, 'must be an array');
  return v;
}

function checkPool(v: unknown, where: string): PoolShape {
  const o = obj(v, where);
  return {
    protocol: word(o.protocol, `${where}.protocol`, false)!,
    members: count(o.members, `${where}.members`, 65535),
    health_monitor: word(o.health_monitor ?? null, `${where}.health_monitor`, true),
    session_persistence: word(o.session_persistence ?? null, `${where}.session_persistence`, true),
  };
}

function checkListener(v: unknown, where: string): ListenerShape {
  const o = obj(v, where);
  return {
    protocol: word(o.protocol, `${where}.protocol`, false)!,
    default_pool:
      o.default_pool === null || o.default_pool === undefined
        ? null
        : checkPool(o.default_pool, `${where}.default_pool`),
    redirect_pools: list(o.redirect_pools ?? [], `${where}.redirect_pools`).map((p, i) =>
      checkPool(p, `${where}.redirect_pools[${i}]`),
    ),
    l7policies: list(o.l7policies ?? [], `${where}.l7policies`).map((r, i) =>
      count(r, `${where}.l7policies[${i}]`, 1000),
    ),
  };
}

function checkShape(v: unknown, where: string): LbShape {
  const o = obj(v, where);
  if (o.topology !== 'SINGLE' && o.topology !== 'ACTIVE_STANDBY') {
    fail(`${where}.topology`, 'must be SINGLE or ACTIVE_STANDBY');
  }
  return {
    topology: o.topology,
    amphorae: count(o.amphorae, `${where}.amphorae`, 2),
    listeners: list(o.listeners, `${where}.listeners`).map((l, i) => checkListener(l, `${where}.listeners[${i}]`)),
    unattached_pools: list(o.unattached_pools ?? [], `${where}.unattached_pools`).map((p, i) =>
      checkPool(p, `${where}.unattached_pools[${i}]`),
    ),
  };
}

/** Checks a parsed profile (format, version, every shape) and returns it typed. */
export function checkProfile(v: unknown): Profile {
  const o = obj(v, 'the file');
  if (o.format !== 'stresshm-profile') fail('"format"', 'must be "stresshm-profile"');
  if (o.version !== 1) fail('"version"', 'must be 1 (this stresshm reads version 1)');
  const shapes = list(o.shapes, '"shapes"').map((s, i) => {
    const e = obj(s, `shapes[${i}]`);
    const c = count(e.count, `shapes[${i}].count`, 100_000_000);
    if (c === 0) fail(`shapes[${i}].count`, 'must be at least 1');
    return { count: c, shape: checkShape(e.shape, `shapes[${i}].shape`) };
  });
  if (shapes.length === 0) fail('"shapes"', 'must hold at least one shape');
  const st = obj(o.member_operating_status ?? {}, '"member_operating_status"');
  const member_operating_status = Object.fromEntries(
    MEMBER_STATUSES.map((s) => {
      const x = st[s] ?? 0;
      if (typeof x !== 'number' || !(x >= 0 && x <= 1)) {
        fail(`member_operating_status.${s}`, 'must be a share from 0 to 1');
      }
      return [s, x];
    }),
  ) as Profile['member_operating_status'];
  const lbs = shapes.reduce((n, s) => n + s.count, 0);
  return {
    format: 'stresshm-profile',
    version: 1,
    k_anonymity: count(o.k_anonymity ?? 1, '"k_anonymity"'),
    load_balancers: lbs,
    amphorae: shapes.reduce((n, s) => n + s.count * s.shape.amphorae, 0),
    merged_load_balancers: count(o.merged_load_balancers ?? 0, '"merged_load_balancers"', 100_000_000),
    member_operating_status,
    shapes,
  };
}

export function loadProfile(file: string): Profile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--profile ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`--profile ${file}: not valid JSON`);
  }
  return checkProfile(parsed);
}

function describe(s: LbShape): string {
  const protos = new Map<string, number>();
  for (const l of s.listeners) protos.set(l.protocol, (protos.get(l.protocol) ?? 0) + 1);
  const listeners = [...protos].map(([p, n]) => `${n} ${p}`).join(' + ') || 'no';
  const pools = poolCount(s);
  const hms = [...s.listeners.flatMap((l) => [l.default_pool, ...l.redirect_pools]), ...s.unattached_pools].filter(
    (p) => p?.health_monitor,
  ).length;
  const l7 = s.listeners.reduce((n, l) => n + l.l7policies.length, 0);
  return (
    `${s.topology} (${s.amphorae} amph), ${listeners} listener${s.listeners.length === 1 ? '' : 's'}, ` +
    `${pools} pool${pools === 1 ? '' : 's'} (${s.unattached_pools.length} unattached, ${hms} monitored), ` +
    `${membersOf(s)} members, ${l7} L7 policies`
  );
}

/** A readable summary of the profile (for stderr). */
export function profileSummary(p: Profile): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `profile: ${p.load_balancers} live load balancers, ${p.amphorae} amphorae, ${p.shapes.length} shapes` +
      ` (k=${p.k_anonymity}; ${p.merged_load_balancers} LBs of rare shapes merged into their nearest common shape)`,
  ];
  for (const s of p.shapes) lines.push(`  ${String(s.count).padStart(7)} x ${describe(s.shape)}`);
  const st = MEMBER_STATUSES.filter((s) => p.member_operating_status[s] > 0)
    .map((s) => `${s} ${pct(p.member_operating_status[s])}`)
    .join(', ');
  lines.push(`  member operating status: ${st || 'no members'}`);
  return `${lines.join('\n')}\n`;
}
