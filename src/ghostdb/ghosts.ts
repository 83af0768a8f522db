// Ghost load balancer graphs: the run plan from the configuration and streaming generation
// of its rows, grouped into transactions of whole LBs and pieces of bounded size (memory stays
// one piece deep, whatever the multipliers).

import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config';
import { type ChurnSpec, type MemberWord, memberStatus } from '../engine/wire';
import { UsageError } from '../errors';
import { type IdScheme, type IdSource, idSource } from './ids';
import {
  type LbShape,
  type ListenerShape,
  type MemberStatus,
  membersOf,
  type PoolShape,
  type Profile,
  planShapes,
  profileChurn,
  rolesOf,
  type ShapePlan,
} from './shapes';

/** What to write: the configuration's shape of a ghost LB, under one run prefix. */
export interface GhostPlan
  extends Pick<
    Config,
    | 'projectId'
    | 'loadBalancers'
    | 'listeners'
    | 'pools'
    | 'healthMonitors'
    | 'members'
    | 'l7policies'
    | 'l7rules'
    | 'topology'
    | 'ghostBusy'
    | 'batchSize'
  > {
  prefix: string;
  /** From a profile: each LB's shape and every member's status (absent: the uniform multipliers). */
  shapes?: ShapePlan;
  /** The member status shares the heartbeats use (a profile's); member ids are drawn to match them. */
  churn?: Pick<ChurnSpec, 'down' | 'drain' | 'maint' | 'nocheck'>;
  /** Primary keys of the ghost rows: time-ordered UUIDv7 dealt in shuffled blocks (default), or UUIDv4. */
  ghostIds?: IdScheme;
}

/** One id source per plan object: a run's v7 ids come from one generator, so they are contiguous. */
const SOURCES = new WeakMap<GhostPlan, IdSource>();

/** Gives a plan its own id source (tests plant foreign rows inside a run's id range with it). */
export function setIdSource(p: GhostPlan, s: IdSource): void {
  SOURCES.set(p, s);
}

/** The id source of a plan's rows. */
export function idsOf(p: GhostPlan): IdSource {
  let s = SOURCES.get(p);
  if (!s) {
    s = idSource(p.ghostIds ?? 'v7');
    SOURCES.set(p, s);
  }
  return s;
}

export type Row = Record<string, string | number | null>;
export type TableRows = Map<string, Row[]>;

/** Insert order: parents before children (listener after pool: default_pool_id). */
export const INSERT_ORDER = [
  'load_balancer',
  'vip',
  'amphora',
  'amphora_health',
  'pool',
  'session_persistence',
  'health_monitor',
  'member',
  'listener',
  'l7policy',
  'l7rule',
] as const;

export const GHOST_DESCRIPTION = 'stresshm ghost';

export function planFromConfig(cfg: Config, prefix: string = randomUUID()): GhostPlan {
  return {
    prefix,
    projectId: cfg.projectId,
    loadBalancers: cfg.loadBalancers,
    listeners: cfg.listeners,
    pools: cfg.pools,
    healthMonitors: cfg.healthMonitors,
    members: cfg.members,
    l7policies: cfg.l7policies,
    l7rules: cfg.l7rules,
    topology: cfg.topology,
    ghostBusy: cfg.ghostBusy,
    batchSize: cfg.batchSize,
    ghostIds: cfg.ghostIds.toLowerCase() as IdScheme,
  };
}

/** A profile's ghosts at `scale` for `seed`, with the configuration's project, busy flag and batch size. */
export function planFromProfile(
  cfg: Config,
  profile: Profile,
  scale: number,
  seed: number,
  prefix: string = randomUUID(),
): GhostPlan {
  const shapes = planShapes(profile, scale, seed);
  return { ...planFromConfig(cfg, prefix), loadBalancers: shapes.lbShape.length, shapes, churn: profileChurn(profile) };
}

/** The configuration with the profile's member status shares (the heartbeats report the ghosts' statuses). */
export function withProfileShares(cfg: Config, profile: Profile): Config {
  const c = profileChurn(profile);
  return {
    ...cfg,
    memberDownShare: c.down,
    memberDrainShare: c.drain,
    memberMaintShare: c.maint,
    memberNocheckShare: c.nocheck,
  };
}

export function amphoraeOf(topology: GhostPlan['topology']): number {
  return topology === 'ACTIVE_STANDBY' ? 2 : 1;
}

/** Rows per table of one LB shape. */
export function shapeCounts(s: LbShape): Record<string, number> {
  const pools = [
    ...s.listeners.flatMap((l) => [...(l.default_pool ? [l.default_pool] : []), ...l.redirect_pools]),
    ...s.unattached_pools,
  ];
  const amps = rolesOf(s).length;
  const l7policies = s.listeners.reduce((n, l) => n + l.l7policies.length, 0);
  return {
    load_balancer: 1,
    vip: 1,
    amphora: amps,
    amphora_health: amps,
    pool: pools.length,
    session_persistence: pools.filter((p) => p.session_persistence).length,
    health_monitor: pools.filter((p) => p.health_monitor).length,
    member: membersOf(s),
    listener: s.listeners.length,
    l7policy: l7policies,
    l7rule: s.listeners.reduce((n, l) => n + l.l7policies.reduce((a, b) => a + b, 0), 0),
  };
}

const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

/** Rows per table for the whole plan (what populate must write). */
export function expectedCounts(p: GhostPlan): Record<string, number> {
  const out: Record<string, number> = {};
  const shapes = p.shapes ? p.shapes.shapes : [uniformShape(p)];
  const counts = p.shapes ? p.shapes.counts : [p.loadBalancers];
  shapes.forEach((s, i) => {
    for (const [t, n] of Object.entries(shapeCounts(s))) out[t] = (out[t] ?? 0) + n * counts[i];
  });
  return out;
}

/** Rows of the largest LB of the plan. */
export function rowsPerLb(p: GhostPlan): number {
  const shapes = p.shapes ? p.shapes.shapes : [uniformShape(p)];
  return Math.max(0, ...shapes.map((s) => sum(shapeCounts(s))));
}

/** Rows of LB number `lbN`. */
export function rowsOfLb(p: GhostPlan, lbN: number): number {
  return sum(shapeCounts(shapeOfLb(p, lbN)));
}

/** Rows of the whole plan. */
export function totalRows(p: GhostPlan): number {
  return sum(expectedCounts(p));
}

/** Heartbeat word of each member operating status (what the HM maps back to it). */
export const WORD_OF: Record<MemberStatus, MemberWord> = {
  ONLINE: 'UP',
  ERROR: 'DOWN',
  DRAINING: 'DRAIN',
  OFFLINE: 'MAINT',
  NO_MONITOR: 'no check',
};

/** Draws member ids until one whose hash gives `status`'s word under these shares (what the wire reports). */
export function memberIdFor(
  churn: NonNullable<GhostPlan['churn']>,
  status: MemberStatus,
  next: IdSource = randomUUID,
): string {
  const c: ChurnSpec = { ...churn, listenerFull: 0, perInterval: 0 };
  const want = WORD_OF[status];
  for (let i = 0; i < 10_000_000; i++) {
    const id = next();
    if (memberStatus(c, id, 0, 0, 0) === want) return id;
  }
  throw new UsageError(`member status ${status} has no share in the profile, yet a member needs it`);
}

/** The uniform shape of a plan without profile: the [test_params] multipliers. */
export function uniformShape(p: GhostPlan): LbShape {
  const pool = (): PoolShape => ({
    protocol: 'HTTP',
    members: p.members,
    health_monitor: p.healthMonitors > 0 ? 'HTTP' : null,
    session_persistence: 'HTTP_COOKIE',
  });
  const listener = (): ListenerShape => ({
    protocol: 'HTTP',
    default_pool: p.pools > 0 ? pool() : null,
    redirect_pools: Array.from({ length: Math.max(0, p.pools - 1) }, pool),
    l7policies: Array.from({ length: p.l7policies }, () => p.l7rules),
  });
  const amphorae = amphoraeOf(p.topology);
  const listeners = Array.from({ length: p.listeners }, listener);
  return { topology: p.topology, amphorae, listeners, unattached_pools: [] };
}

/** The shape of ghost LB number `lbN` (1-based). */
export function shapeOfLb(p: GhostPlan, lbN: number): LbShape {
  return p.shapes ? p.shapes.shapes[p.shapes.lbShape[lbN - 1]] : uniformShape(p);
}
