// The judge phase: turns what the run observed into the record's final figures, criteria
// and verdict. An interrupted run is judged INTERRUPTED with its partial figures.

import { cpus } from 'node:os';
import type { Config } from '../config/config';
import type { Fleet } from '../engine/fleet';
import type { IdScheme } from '../ghostdb/ids';
import { toolVersion } from '../version';
import { diagnose } from './diagnosis';
import type { DrainResult } from './drain';
import type { HmLogFollower } from './hmlog';
import type { Observer } from './observer';
import type { Resolved } from './preflight';
import { type CpuPer1000, configForRecord, type RunRecord } from './record';
import { criteria, exitCodeFor, processedShare, type RunFigures, slaFrom, verdict } from './sla';
import type { WhyFacts } from './why';

export interface SendFigures {
  fleet: Fleet;
  observer: Observer;
  logs: HmLogFollower;
  drained: DrainResult;
  /** listener_statistics rows of the run's listeners before clean (undefined: could not be read). */
  statsRows?: number;
  startedAt: Date;
  /** Why the run was stopped early, if it was. */
  interrupted?: string;
  /** Server counters and CPU by role over the send and drain window. */
  why: WhyFacts;
  /** Why --abort-on-fail stopped sending early, if it did. */
  abortedBecause?: string;
}

/** HM CPU seconds per 1,000 processed heartbeats, by role, over every local HM. */
function cpuPer1000(roles: WhyFacts['hmCpu'] & object, processed: number): CpuPer1000 | undefined {
  if (processed === 0) return undefined;
  const sum = (f: (r: (typeof roles)[number]) => number) => roles.reduce((a, r) => a + f(r), 0);
  const split = roles.every((r) => r.healthPoolSecs !== undefined && r.statsPoolSecs !== undefined);
  return {
    listener: (1000 * sum((r) => r.listenerSecs)) / processed,
    pools: (1000 * sum((r) => r.poolSecs)) / processed,
    healthPool: split ? (1000 * sum((r) => r.healthPoolSecs ?? 0)) / processed : undefined,
    statsPool: split ? (1000 * sum((r) => r.statsPoolSecs ?? 0)) / processed : undefined,
  };
}

/** What a run sent for: its prefix and how many LBs and amphorae it has. */
export interface RunSize {
  prefix: string;
  loadBalancers: number;
  amphorae: number;
  /** The id scheme of the run's ghosts (README "Ghost ids"). */
  ghostIds: IdScheme | 'mixed' | 'none';
}

export function buildRecord(
  cfg: Config,
  _r: Resolved,
  run: RunSize,
  s: SendFigures,
  phases: RunRecord['phases'],
): RunRecord {
  const st = s.fleet.stats();
  const o = s.observer;
  // Sent means attempted: a send that failed is a send error in the ledger, never silently dropped.
  const ledger = o.ledger();
  const figures: RunFigures = {
    sent: ledger.sent,
    processed: o.processed,
    lagP99Secs: o.lags.percentile(0.99),
    lagResolutionSecs: o.resolutionSecs(),
    intervalSecs: cfg.heartbeatInterval,
    timeoutStaleMax: o.timeoutStaleMax,
    logDrops: s.logs.following ? s.logs.counts.drops : undefined,
    kernelDrops: o.kernel.total(),
    due: st.due,
  };
  const sla = slaFrom(cfg.settings);
  const judged = verdict(figures, sla, s.interrupted !== undefined);
  // A run --abort-on-fail stopped has failed its SLA, whatever its shortened figures look like.
  const v = s.abortedBecause && (judged === 'KEEPING UP' || judged === 'INCONCLUSIVE') ? 'FALLING BEHIND' : judged;
  return {
    kind: 'run',
    tool: 'stresshm',
    version: toolVersion(),
    startedAt: s.startedAt.toISOString(),
    prefix: run.prefix,
    ghostIds: run.ghostIds,
    amphorae: run.amphorae,
    loadBalancers: run.loadBalancers,
    intervalSecs: cfg.heartbeatInterval,
    heartbeatVersion: cfg.heartbeatVersion,
    endpoints: cfg.controllerIpPortList,
    config: configForRecord(cfg.settings),
    phases,
    samples: o.samples,
    final: {
      sent: ledger.sent,
      processed: o.processed,
      processedShare: processedShare(figures),
      bytes: st.bytes,
      lagP50: o.lags.percentile(0.5),
      lagP95: o.lags.percentile(0.95),
      lagP99: o.lags.percentile(0.99),
      lagMax: o.lags.maximum,
      lagResolutionSecs: o.resolutionSecs(),
      staleOver1Max: o.staleOver1Max,
      staleOver2Max: o.staleOver2Max,
      timeoutStaleMax: o.timeoutStaleMax,
      sendErrors: st.errors,
      scheduleLagP99Ms: st.lagP99Ms,
      scheduleLagMaxMs: st.lagMaxMs,
      lateSends: st.late,
      senderCpuSeconds: st.cpuSeconds,
      listenerStatisticsRows: s.statsRows,
      log: s.logs.following ? { ...s.logs.counts } : undefined,
      drain: {
        seconds: s.drained.seconds,
        boundReached: s.drained.boundReached,
        extraSecs: s.drained.extraSecs,
        gaveUp: s.drained.gaveUp,
      },
      interrupted: s.interrupted,
      abortedEarly: s.abortedBecause,
    },
    ledger,
    ledgerEndpoints: o.kernel.perEndpoint(),
    db: s.why.db,
    hm: s.why.hmCpu ? { cpu: s.why.hmCpu, cpuSecsPer1000: cpuPer1000(s.why.hmCpu, o.processed) } : undefined,
    diagnosis: diagnose({
      ledger,
      offered: {
        due: st.due,
        lagP99Ms: st.lagP99Ms,
        senderCpuSecs: st.cpuSeconds,
        sendingSecs: st.elapsedMs / 1000,
        minShare: sla.minProcessedShare,
      },
      seconds: s.why.seconds,
      hmCpu: s.why.hmCpu,
      dbCpuSecs: s.why.dbCpuSecs,
      db: s.why.db,
      cores: cpus().length,
    }),
    criteria: criteria(figures, sla),
    verdict: v,
    exitCode: exitCodeFor(v),
  };
}
