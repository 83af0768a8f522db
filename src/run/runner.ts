// The stress run as one lifecycle with explicit phases: resolve (check everything, write
// nothing), populate (or reuse a prefix), send, drain, clean, judge, report. Everything after
// the first write ends through one cleanup path, whatever stops the run: the deadline, a
// signal, a closed stdout, a lost or stalled database, a native failure. It fires events
// (Locust's runner) that the dashboard and notices subscribe to.

import { type Config, get } from '../config/config';
import { Fleet } from '../engine/fleet';
import { fleetHeader, Handover } from '../engine/handover';
import type { FleetSpec } from '../engine/wire';
import { EnvError, EXIT_ENV, InterruptedError, UsageError } from '../errors';
import { cleanPrefix } from '../ghostdb/clean';
import { PlanCollector } from '../ghostdb/collect';
import { type Conn, connect } from '../ghostdb/db';
import { type GhostPlan, planFromConfig } from '../ghostdb/ghosts';
import { checkPlanSize } from '../ghostdb/groups';
import { confirmTarget } from '../ghostdb/guard';
import { schemeOf } from '../ghostdb/ids';
import { streamGraph } from '../ghostdb/inventory';
import { holdPrefixLock } from '../ghostdb/lock';
import { populate } from '../ghostdb/populate';
import { checkPrivileges } from '../ghostdb/privileges';
import { loadSchema, type Schema } from '../ghostdb/schema';
import { DbSession, type SessionLimits } from '../ghostdb/session';
import { type RunIds, referencingRows, sweepIds } from '../ghostdb/sweep';
import { interruptReason, setInterruptHint } from '../lifecycle/interrupt';
import { type ReportPaths, writeReports } from '../report';
import { Progress } from '../terminal/progress';
import { type DrainResult, drain, HARD_BOUND_SECS } from './drain';
import { type PhaseName, RunEvents } from './events';
import { HmLogFollower } from './hmlog';
import { buildRecord, type RunSize, type SendFigures } from './judge';
import { Monitor } from './monitor';
import { Observer } from './observer';
import { type Resolved, resolveRun } from './preflight';
import type { RunRecord } from './record';
import { sendUntilStopped } from './sendloop';
import { StatsProbe } from './statsprobe';
import { attachTerminal } from './terminal';
import { WhyProbe } from './why';

export interface RunRequest {
  cfg: Config;
  /** Reuse this population instead of writing a new one. */
  prefix?: string;
  /** The ghosts to write (a fleet profile's plan); default: the [test_params] multipliers of cfg. */
  plan?: GhostPlan;
  /** Leave the ghosts in place afterwards. */
  keep: boolean;
  yes: boolean;
  hmLogs: string[];
  /** Commands whose standard output is an HM log to follow (--hm-log-cmd). */
  hmLogCmds?: string[];
  reports: ReportPaths;
  out: NodeJS.WriteStream;
  /** No dashboard, progress or notices (runs nested in a capacity search or compare). */
  quiet?: boolean;
  /** Announce every phase as it begins (-v). */
  verbose?: boolean;
  /** The command that removes a prefix, for messages. */
  cleanHint(prefix: string): string;
  /** Poll period of the monitor (ms); by default as often as its database budget allows. */
  pollMs?: number;
  /** Stop as soon as the SLA has failed beyond recovery (k6's abortOnFail). */
  abortOnFail?: boolean;
  /** Subscribe to the run's events before it starts. */
  subscribe?(events: RunEvents): void;
  /** Called after the HM drained and before clean (tests inspect the database here). */
  inspect?: (fleet: Fleet, spec: FleetSpec, conn: Conn) => Promise<void>;
}

export interface RunResult {
  record: RunRecord;
  exitCode: number;
  reportFiles: string[];
  reportProblems: string[];
}

interface Phase {
  name: string;
  startedAt: string;
  seconds: number;
}

/** Statement timeout and reconnect bound from [stress] db_timeout_secs and db_retry_secs. */
function limitsOf(cfg: Config): SessionLimits {
  return {
    statementMs: get(cfg.settings, 'stress.db_timeout_secs') * 1000,
    retryMs: get(cfg.settings, 'stress.db_retry_secs') * 1000,
  };
}

class StressRun {
  readonly events = new RunEvents();
  private readonly phases: Phase[] = [];
  private readonly session: DbSession;
  private schema!: Schema;
  private prefix?: string;
  /** Rows exist that this run must remove before it ends. */
  private owesClean = false;
  /** The run's size and the ids clean's sweep needs (the graph itself is never held whole). */
  private ids?: RunIds & RunSize;
  /** Set when --abort-on-fail stopped the run early. */
  private abortedBecause?: string;
  /** The HM log follower, closed (its commands killed) whatever ends the run. */
  private logs?: HmLogFollower;

  constructor(
    private readonly req: RunRequest,
    private readonly r: Resolved,
  ) {
    this.session = new DbSession(r.target, limitsOf(req.cfg));
  }

  private async phase<T>(name: PhaseName, fn: () => Promise<T>): Promise<T> {
    const start = Date.now();
    this.events.emit('phase', { name, atMs: start });
    try {
      return await fn();
    } finally {
      this.phases.push({ name, startedAt: new Date(start).toISOString(), seconds: (Date.now() - start) / 1000 });
    }
  }

  async execute(): Promise<RunResult> {
    try {
      this.schema = await this.session.run((c) => loadSchema(c, this.r.target.database, EXIT_ENV));
      let sent: SendFigures | undefined;
      let failure: unknown;
      try {
        const handover = await this.phase('populate', () => this.obtainFleet());
        sent = await this.sendAndDrain(handover);
      } catch (e) {
        failure = e;
      }
      this.logs?.close();
      await this.cleanup(failure);
      if (failure) throw failure;
      if (!sent || !this.ids) throw new InterruptedError('interrupted before sending');
      const ids = this.ids;
      const record = await this.phase('judge', async () => buildRecord(this.req.cfg, this.r, ids, sent!, this.phases));
      this.events.emit('ended', { record });
      const w = await this.phase('report', async () => writeReports(record, this.req.reports));
      return { record, exitCode: record.exitCode, reportFiles: w.files, reportProblems: w.problems };
    } finally {
      this.logs?.close();
      await this.session.end();
    }
  }

  /**
   * Populates (or takes a prefix) and hands the fleet to the engine as it goes: what populate
   * wrote is streamed from its rows, a prefix is read back in chunks; nothing is held whole.
   */
  private async obtainFleet(): Promise<Handover> {
    const { req, r } = this;
    const conn = await this.session.conn();
    const handover = new Handover(fleetHeader(req.cfg, r.endpoints, r.key), req.inspect !== undefined);
    const done = (prefix: string) => {
      const { amphoraIds, listenerIds, loadBalancers } = handover;
      const ghostIds = schemeOf(amphoraIds);
      this.ids = { prefix, loadBalancers, amphorae: amphoraIds.length, amphoraIds, listenerIds, ghostIds };
      return handover;
    };
    if (req.prefix) {
      if (!req.keep) await checkPrivileges(conn, this.schema, 'clean', EXIT_ENV);
      await this.own(req.prefix);
      this.prefix = req.prefix;
      for await (const part of streamGraph(conn, req.prefix)) handover.addGraph(part);
      if (handover.loadBalancers === 0)
        throw new UsageError(`no ghosts with prefix ${req.prefix} in this database (see stresshm list)`);
      this.owesClean = !req.keep;
      this.hint();
      return done(req.prefix);
    }
    const plan = req.plan ?? planFromConfig(req.cfg);
    checkPlanSize(plan);
    await checkPrivileges(conn, this.schema, 'write', EXIT_ENV);
    await confirmTarget(conn, this.r.target, 'write ghost load balancers', { yes: req.yes });
    await this.own(plan.prefix);
    this.prefix = plan.prefix;
    this.owesClean = !req.keep;
    if (!req.quiet) req.out.write(`Your run prefix ID is: ${plan.prefix}\n`);
    this.hint();
    const second = await connect(this.r.target, EXIT_ENV, { socketTimeout: this.session.limits.statementMs });
    try {
      const progress = req.quiet ? undefined : new Progress('populate');
      const observe = new PlanCollector(plan.prefix, (part) => handover.addGraph(part));
      await populate([conn, second], this.schema, plan, { progress, observe });
    } finally {
      second.destroy();
    }
    return done(plan.prefix);
  }

  /**
   * Holds the prefix's named lock for the run's lifetime (`clean` of it is refused meanwhile),
   * and takes it again on every reconnect: the server frees it with the old connection.
   */
  private async own(prefix: string): Promise<void> {
    await holdPrefixLock(await this.session.conn(), prefix);
    this.session.whenConnected(async (c) => {
      await holdPrefixLock(c, prefix);
    });
  }

  private hint(): void {
    const p = this.prefix!;
    setInterruptHint(() => (this.owesClean ? `Remove the ghosts with: ${this.req.cleanHint(p)}` : undefined));
  }

  private async sendAndDrain(handover: Handover): Promise<SendFigures> {
    const { req, r } = this;
    const ids = this.ids!;
    const spec = handover.spec;
    const fleet = new Fleet(handover);
    const startedAt = new Date();
    const logs = new HmLogFollower(req.hmLogs, req.hmLogCmds);
    this.logs = logs;
    const monitor = new Monitor(
      this.session,
      fleet.amphoraIds,
      req.cfg.heartbeatInterval,
      req.cfg.heartbeatTimeout,
      startedAt.getTime(),
    );
    await monitor.baseline();
    const observer = new Observer(
      fleet,
      monitor,
      logs,
      r.endpoints,
      req.cfg.heartbeatInterval,
      startedAt.getTime(),
      Math.max(1, req.cfg.testRuntimeSecs / 3600),
    );
    if (!req.quiet) {
      req.out.write(
        `Sending heartbeats: ${fleet.amphoraIds.length.toLocaleString('en-US')} amphorae, ` +
          `v${req.cfg.heartbeatVersion}, every ${req.cfg.heartbeatInterval} s, for ${req.cfg.testRuntimeSecs} s to ` +
          `${req.cfg.controllerIpPortList.join(', ')} (${fleet.maxPacketBytes()} bytes max)\n`,
      );
    }
    const why = await WhyProbe.start(this.session, r.endpoints, r.target);
    try {
      await this.phase('send', async () => {
        const loop = { cfg: req.cfg, session: this.session, events: this.events, pollMs: req.pollMs };
        this.abortedBecause = await sendUntilStopped(loop, fleet, observer, startedAt.getTime(), req.abortOnFail);
      });
    } finally {
      fleet.stop();
    }
    const stats = new StatsProbe(this.session, fleet.amphoraIds);
    const drained = await this.phase('drain', () => drain(observer, stats, this.events, req.cfg.drainTimeoutSecs));
    const facts = await why.finish(observer.processed);
    const statsRows = await this.session
      .run((c) => referencingRows(c, this.schema, ids, 'listener_statistics'))
      .catch(() => undefined);
    if (req.inspect && spec) await req.inspect(fleet, spec, await this.session.conn());
    return {
      fleet,
      observer,
      logs,
      drained,
      statsRows,
      startedAt,
      interrupted: interruptReason(),
      why: facts,
      abortedBecause: this.abortedBecause,
    };
  }

  /**
   * The HM's statistics pool can lag far behind its health pool and re-creates listener_statistics
   * rows of removed listeners: sweep the run's ids until nothing has come back for a while.
   */
  private async sweepUntilQuiet(ids: RunIds): Promise<number> {
    let total = 0;
    const giveUpAt = Date.now() + HARD_BOUND_SECS * 1000;
    for (let quietSince = Date.now(); Date.now() - quietSince < SWEEP_QUIET_MS && Date.now() < giveUpAt; ) {
      const removed = await this.session.retry('sweep', (c) => sweepIds(c, this.schema, ids));
      const n = Object.values(removed).reduce((a, b) => a + b, 0);
      if (n > 0) quietSince = Date.now();
      total += n;
      await new Promise((r) => setTimeout(r, 1000));
    }
    return total;
  }

  /** The one cleanup path: clean by prefix (reconnecting, bounded), then sweep late HM rows by id. */
  private async cleanup(failure: unknown): Promise<void> {
    if (!this.owesClean || !this.prefix) return;
    const prefix = this.prefix;
    const { req } = this;
    const note = (text: string) => this.events.emit('notice', { text });
    if (failure && !(failure instanceof InterruptedError))
      note(`stopping after: ${failure instanceof Error ? failure.message : failure}`);
    try {
      await this.phase('clean', async () => {
        const progress = req.quiet ? undefined : new Progress('clean');
        const res = await this.session.retry(
          'clean',
          (c) => cleanPrefix(c, this.schema, prefix, req.cfg.batchSize, progress),
          (why) => note(`database connection lost during clean (${why}); reconnecting`),
        );
        const swept = this.ids ? await this.sweepUntilQuiet(this.ids) : 0;
        this.owesClean = false;
        if (!req.quiet) {
          req.out.write(
            `Removed ${res.total.toLocaleString('en-US')} rows of prefix ${res.prefix} (amphora_health ` +
              `${res.counts.amphora_health ?? 0}, listener_statistics ${res.counts.listener_statistics ?? 0}` +
              `; late HM rows ${swept}).\n`,
          );
        }
      });
    } catch (e) {
      throw new EnvError(
        `${e instanceof Error ? e.message : String(e)}. The ghosts of ${prefix} are still there; ` +
          `remove them with: ${req.cleanHint(prefix)}`,
      );
    }
  }
}

/** After clean, rows keep being removed by id until none has come back for SWEEP_QUIET_MS. */
const SWEEP_QUIET_MS = 5000;

/** Runs the whole stress run. Usage errors surface before anything is written. */
export async function runStress(req: RunRequest): Promise<RunResult> {
  const resolved = await resolveRun(req);
  const run = new StressRun(req, resolved);
  if (!req.quiet) attachTerminal(run.events, req.out, req.cfg.heartbeatInterval, req.verbose);
  req.subscribe?.(run.events);
  return run.execute();
}

export type { DrainResult };
