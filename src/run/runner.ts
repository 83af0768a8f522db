// The stress run, phase by phase: validate, populate (or reuse a prefix), send heartbeats
// from the native fleet for test_runtime_secs while the monitor samples the database, stop,
// wait for the HM to drain, clean, judge and report. Ctrl-C at any phase cleans up (130).

import { Config } from '../config/config';
import { Conn, connect } from '../ghostdb/db';
import { DbTarget, parseDbUrl } from '../config/dburl';
import { loadSchema, Schema } from '../ghostdb/schema';
import { planFromConfig } from '../ghostdb/ghosts';
import { populate } from '../ghostdb/populate';
import { cleanPrefix } from '../ghostdb/clean';
import { readGraph } from '../ghostdb/inventory';
import { confirmTarget } from '../ghostdb/guard';
import { Progress } from '../terminal/progress';
import { requireHeartbeatKey, resolveEndpoints } from '../config/endpoints';
import { buildFleetSpec, checkEndpoints, Fleet } from '../engine/fleet';
import { Monitor, percentile, LAG_RESOLUTION_SECS } from './monitor';
import { HmLogFollower } from './hmlog';
import { Dashboard } from '../terminal/dashboard';
import { RunRecord, Sample, configForRecord } from './record';
import { criteria, exitCodeFor, processedShare, slaFrom, verdict } from './sla';
import { EXIT_ENV, EXIT_INTERRUPTED, InterruptedError, UsageError } from '../errors';
import { interruptRequested, onInterrupt, setInterruptHint } from '../lifecycle/interrupt';
import { GhostGraph, amphoraCount } from '../ghostdb/graph';
import { FleetSpec } from '../engine/wire';
import { ReportPaths, writeReports } from '../report';

export interface RunRequest {
  cfg: Config;
  /** Reuse this population instead of writing a new one. */
  prefix?: string;
  /** Leave the ghosts in place afterwards. */
  keep: boolean;
  yes: boolean;
  hmLogs: string[];
  reports: ReportPaths;
  out: NodeJS.WriteStream;
  /** The command that removes a prefix, for messages. */
  cleanHint(prefix: string): string;
  /** Poll period of the monitor (ms). */
  pollMs?: number;
  /** Called after the HM drained and before clean (tests inspect the database here). */
  inspect?: (fleet: Fleet, spec: FleetSpec, conn: Conn) => Promise<void>;
}

export interface RunResult { record: RunRecord; exitCode: number; reportFiles: string[] }

interface Phase { name: string; startedAt: string; seconds: number }

/** Waits `ms` or until Ctrl-C, whichever comes first. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const off = onInterrupt(() => { clearTimeout(timer); resolve(); });
    const timer = setTimeout(() => { off(); resolve(); }, ms);
  });
}

async function timed<T>(phases: Phase[], name: string, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await fn();
  } finally {
    phases.push({ name, startedAt: new Date(start).toISOString(), seconds: (Date.now() - start) / 1000 });
  }
}

class LagWindow {
  private entries: Array<[number, number]> = [];
  readonly all: number[] = [];
  add(t: number, lags: number[]): void {
    for (const l of lags) { this.entries.push([t, l]); this.all.push(l); }
  }
  recent(now: number, spanMs: number): number[] {
    this.entries = this.entries.filter(([t]) => now - t <= spanMs);
    return this.entries.map(([, l]) => l).sort((a, b) => a - b);
  }
}

interface Ctx {
  req: RunRequest; cfg: Config; conn: Conn; schema: Schema; target: DbTarget;
  prefix?: string; populated: boolean; phases: Phase[];
}

async function obtainGraph(ctx: Ctx): Promise<GhostGraph> {
  const { req, cfg, conn, schema } = ctx;
  if (req.prefix) {
    ctx.prefix = req.prefix;
    const g = await readGraph(conn, req.prefix);
    if (g.loadBalancers.length === 0) throw new UsageError(`no ghosts with prefix ${req.prefix} in this database (see stresshm list)`);
    return g;
  }
  await confirmTarget(conn, ctx.target, 'write ghost load balancers', { yes: req.yes });
  const plan = planFromConfig(cfg);
  ctx.prefix = plan.prefix;
  ctx.populated = true;
  req.out.write(`Your run prefix ID is: ${plan.prefix}\n`);
  setInterruptHint(() => `Remove the ghosts with: ${req.cleanHint(plan.prefix)}`);
  const second = await connect(ctx.target, EXIT_ENV);
  try {
    await timed(ctx.phases, 'populate', () => populate([conn, second], schema, plan, { progress: new Progress('populate') }));
  } finally {
    await second.end().catch(() => undefined);
  }
  return readGraph(conn, plan.prefix);
}

interface SendOutcome { samples: Sample[]; lags: LagWindow; staleOver1Max: number; staleOver2Max: number; timeoutStaleMax: number; processed: number }

async function sendAndWatch(ctx: Ctx, fleet: Fleet, monitor: Monitor, logs: HmLogFollower, runStartMs: number): Promise<SendOutcome> {
  const { cfg, req } = ctx;
  const intervalMs = cfg.heartbeatInterval * 1000;
  const pollMs = req.pollMs ?? 1000;
  const dash = new Dashboard(req.out, Boolean(req.out.isTTY), cfg.heartbeatInterval);
  const o: SendOutcome = { samples: [], lags: new LagWindow(), staleOver1Max: 0, staleOver2Max: 0, timeoutStaleMax: 0, processed: 0 };
  let prev = { t: runStartMs, sent: 0, processed: 0 };
  const observe = async (phase: string, remainingSecs: number) => {
    const now = Date.now();
    const poll = await monitor.poll(fleet.sendHistory(), now);
    const st = fleet.stats();
    const log = logs.following ? logs.poll() : undefined;
    o.lags.add(now, poll.lags);
    const recent = o.lags.recent(now, intervalMs);
    const dt = Math.max(0.001, (now - prev.t) / 1000);
    const sample: Sample = {
      t: (now - runStartMs) / 1000, offeredPerSec: (st.sent - prev.sent) / dt, processedPerSec: (poll.processedTotal - prev.processed) / dt,
      lagP50: percentile(recent, 0.5), lagP95: percentile(recent, 0.95), lagP99: percentile(recent, 0.99),
      staleOver1: poll.staleOver1, staleOver2: poll.staleOver2, staleOverTimeout: poll.staleOverTimeout, logDrops: log?.drops ?? 0,
    };
    prev = { t: now, sent: st.sent, processed: poll.processedTotal };
    o.samples.push(sample);
    o.processed = poll.processedTotal;
    if (phase === 'sending') { // after sending stops every amphora goes stale by design
      o.staleOver1Max = Math.max(o.staleOver1Max, poll.staleOver1);
      o.staleOver2Max = Math.max(o.staleOver2Max, poll.staleOver2);
      o.timeoutStaleMax = Math.max(o.timeoutStaleMax, poll.staleOverTimeout);
    }
    dash.update({ phase, elapsedSecs: sample.t, remainingSecs, amphorae: fleet.amphoraIds.length, sent: st.sent, processed: poll.processedTotal,
      sample, sendErrors: st.errors, scheduleLagP99Ms: st.lagP99Ms, log });
    // Activity: heartbeats processed, or dropped by an HM still working through its queue.
    const activity = poll.processedDelta + (sample.logDrops - (o.samples[o.samples.length - 2]?.logDrops ?? 0));
    return activity;
  };
  const endAt = runStartMs + cfg.testRuntimeSecs * 1000;
  while (Date.now() < endAt && !interruptRequested()) {
    await pause(Math.min(pollMs, Math.max(0, endAt - Date.now())));
    await observe('sending', (endAt - Date.now()) / 1000);
  }
  fleet.stop();
  // Drain: heartbeats still queued in the HM keep advancing amphora_health (or are logged as
  // dropped); wait until neither moved for 3 s (bounded), so no ghost is deleted while the
  // HM still works on it.
  const drainEnd = Date.now() + (interruptRequested() ? Math.min(5, cfg.drainTimeoutSecs) : cfg.drainTimeoutSecs) * 1000;
  let quietSince = Date.now();
  while (Date.now() < drainEnd && Date.now() - quietSince < 3000) {
    await new Promise((r) => setTimeout(r, 500));
    if (await observe('draining', (drainEnd - Date.now()) / 1000) > 0) quietSince = Date.now();
  }
  dash.release();
  return o;
}

async function statisticsRows(conn: Conn, graph: GhostGraph): Promise<number> {
  const ids = graph.loadBalancers.flatMap((lb) => lb.listeners.map((l) => l.id));
  if (ids.length === 0) return 0;
  let n = 0;
  for (let i = 0; i < ids.length; i += 5000) {
    const rows: Array<{ n: number }> = await conn.query('SELECT COUNT(*) AS n FROM listener_statistics WHERE listener_id IN (?)', [ids.slice(i, i + 5000)]);
    n += Number(rows[0].n);
  }
  return n;
}

function buildRecord(ctx: Ctx, graph: GhostGraph, endpoints: string[], fleet: Fleet, o: SendOutcome, logs: HmLogFollower, listenerStatisticsRows: number, startedAt: Date): RunRecord {
  const { cfg } = ctx;
  const st = fleet.stats();
  const all = [...o.lags.all].sort((a, b) => a - b);
  const figures = {
    sent: st.sent, processed: o.processed, lagP99Secs: percentile(all, 0.99), intervalSecs: cfg.heartbeatInterval,
    timeoutStaleMax: o.timeoutStaleMax, logDrops: logs.following ? logs.counts.drops : undefined,
  };
  const sla = slaFrom(cfg.settings);
  const v = verdict(figures, sla);
  return {
    kind: 'run', tool: 'stresshm', startedAt: startedAt.toISOString(), prefix: ctx.prefix ?? '', amphorae: amphoraCount(graph),
    loadBalancers: graph.loadBalancers.length, intervalSecs: cfg.heartbeatInterval, heartbeatVersion: cfg.heartbeatVersion, endpoints,
    config: configForRecord(cfg.settings), phases: ctx.phases, samples: o.samples,
    final: {
      sent: st.sent, processed: o.processed, processedShare: processedShare(figures), bytes: st.bytes,
      lagP50: percentile(all, 0.5), lagP95: percentile(all, 0.95), lagP99: percentile(all, 0.99), lagMax: all[all.length - 1] ?? 0,
      lagResolutionSecs: LAG_RESOLUTION_SECS, staleOver1Max: o.staleOver1Max, staleOver2Max: o.staleOver2Max, timeoutStaleMax: o.timeoutStaleMax,
      sendErrors: st.errors, scheduleLagP99Ms: st.lagP99Ms, scheduleLagMaxMs: st.lagMaxMs, lateSends: st.late, senderCpuSeconds: st.cpuSeconds,
      listenerStatisticsRows, log: logs.following ? { ...logs.counts } : undefined,
    },
    criteria: criteria(figures, sla), verdict: v, exitCode: exitCodeFor(v),
  };
}

async function cleanup(ctx: Ctx): Promise<void> {
  if (!ctx.prefix || ctx.req.keep) return;
  const res = await timed(ctx.phases, 'clean', () => cleanPrefix(ctx.conn, ctx.schema, ctx.prefix!, ctx.cfg.batchSize, new Progress('clean')));
  ctx.req.out.write(`Removed ${res.total.toLocaleString('en-US')} rows of prefix ${res.prefix} (amphora_health ${res.counts.amphora_health ?? 0}, listener_statistics ${res.counts.listener_statistics ?? 0}).\n`);
}

/** Runs the whole stress run. Usage errors surface before anything is written. */
export async function runStress(req: RunRequest): Promise<RunResult> {
  const cfg = req.cfg;
  const key = requireHeartbeatKey(cfg.heartbeatKey);
  const endpoints = await resolveEndpoints(cfg.controllerIpPortList);
  checkEndpoints(endpoints);
  const target = parseDbUrl(cfg.dbConnection);
  const conn = await connect(target, EXIT_ENV);
  const ctx: Ctx = { req, cfg, conn, target, schema: undefined as unknown as Schema, populated: false, phases: [] };
  try {
    ctx.schema = await loadSchema(conn, target.database, EXIT_ENV);
    let graph: GhostGraph;
    try {
      graph = await obtainGraph(ctx);
    } catch (e) {
      if (e instanceof InterruptedError && ctx.populated) await cleanup(ctx);
      throw e;
    }
    let fleet: Fleet;
    const spec = buildFleetSpec(graph, cfg, endpoints, key);
    try {
      fleet = new Fleet(spec);
    } catch (e) {
      if (ctx.populated) await cleanup(ctx);
      throw e;
    }
    const startedAt = new Date();
    const logs = new HmLogFollower(req.hmLogs);
    const monitor = new Monitor(conn, fleet.amphoraIds, cfg.heartbeatInterval, cfg.heartbeatTimeout, startedAt.getTime());
    await monitor.baseline();
    req.out.write(`Sending heartbeats: ${fleet.amphoraIds.length.toLocaleString('en-US')} amphorae, v${cfg.heartbeatVersion}, every ${cfg.heartbeatInterval} s, for ${cfg.testRuntimeSecs} s to ${cfg.controllerIpPortList.join(', ')} (${fleet.maxPacketBytes()} bytes max)\n`);
    fleet.start();
    let outcome: SendOutcome;
    try {
      outcome = await timed(ctx.phases, 'send and drain', () => sendAndWatch(ctx, fleet, monitor, logs, startedAt.getTime()));
    } catch (e) {
      fleet.stop();
      await cleanup(ctx).catch(() => undefined);
      throw e;
    }
    const statsRows = await statisticsRows(conn, graph);
    try {
      if (req.inspect) await req.inspect(fleet, spec, conn);
    } finally {
      await cleanup(ctx);
    }
    const record = buildRecord(ctx, graph, cfg.controllerIpPortList, fleet, outcome, logs, statsRows, startedAt);
    if (interruptRequested()) record.exitCode = EXIT_INTERRUPTED;
    return { record, exitCode: record.exitCode, reportFiles: writeReports(record, req.reports) };
  } finally {
    await conn.end().catch(() => undefined);
  }
}
