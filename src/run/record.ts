// The run record: everything a report is rendered from (configuration with secrets masked,
// phases, per-poll samples, final figures, verdict), kept in msgpack.

import { readFileSync, writeFileSync } from 'node:fs';
import { pack, unpack } from 'msgpackr';
import { displaySettings, type Settings } from '../config/config';
import { UsageError } from '../errors';
import type { IdScheme } from '../ghostdb/ids';
import type { DbWork } from './dbstatus';
import type { RoleCpu } from './hmcpu';
import type { LogCounts } from './hmlog';
import type { EndpointDrops, Ledger } from './ledger';
import type { Criterion, Verdict } from './sla';

export interface Sample {
  /** Seconds since sending started. */
  t: number;
  offeredPerSec: number;
  processedPerSec: number;
  lagP50: number;
  lagP95: number;
  lagP99: number;
  staleOver1: number;
  staleOver2: number;
  staleOverTimeout: number;
  logDrops: number;
  /** Where the heartbeats sent so far went (cumulative); absent in records before the ledger. */
  ledger?: Ledger;
  /** Heartbeats the schedule made due so far (cumulative); absent in older records. */
  due?: number;
}

/** HM CPU seconds per 1,000 processed heartbeats by role (the pools split when it could be told). */
export interface CpuPer1000 {
  listener: number;
  pools: number;
  healthPool?: number;
  statsPool?: number;
}

export interface RunRecord {
  kind: 'run';
  tool: string;
  /** stresshm version that made the record (absent in older records). */
  version?: string;
  startedAt: string;
  prefix: string;
  /** Primary keys of the run's ghost rows (ids.ts): v7 (time-ordered) or v4 (random, older runs). */
  ghostIds?: IdScheme | 'mixed' | 'none';
  amphorae: number;
  loadBalancers: number;
  intervalSecs: number;
  heartbeatVersion: number;
  endpoints: string[];
  config: Record<string, string>;
  phases: Array<{ name: string; startedAt: string; seconds: number }>;
  samples: Sample[];
  final: {
    sent: number;
    processed: number;
    processedShare: number;
    bytes: number;
    lagP50: number;
    lagP95: number;
    lagP99: number;
    lagMax: number;
    lagResolutionSecs: number;
    staleOver1Max: number;
    staleOver2Max: number;
    timeoutStaleMax: number;
    sendErrors: Record<string, number>;
    scheduleLagP99Ms: number;
    scheduleLagMaxMs: number;
    lateSends: number;
    senderCpuSeconds: number;
    listenerStatisticsRows?: number;
    log?: LogCounts;
    /** How the drain ended: bound reached, seconds waited beyond it, cleaned while the HM was active. */
    drain?: { seconds: number; boundReached: boolean; extraSecs: number; gaveUp: boolean };
    /** Why the run stopped early (a signal, a closed stdout), if it did. */
    interrupted?: string;
    /** Why --abort-on-fail stopped sending before test_runtime_secs, if it did. */
    abortedEarly?: string;
  };
  /** Where every heartbeat went; its parts sum to `sent`; null parts were not measurable. */
  ledger?: Ledger;
  /** Kernel drops per HM endpoint (null: a remote endpoint, not measurable). */
  ledgerEndpoints?: EndpointDrops[];
  /** Database work per processed heartbeat (server counters over the send and drain). */
  db?: DbWork;
  /** CPU of the local HMs by role (listener process, pool workers). */
  hm?: { cpu: RoleCpu[]; cpuSecsPer1000?: CpuPer1000 };
  /** Why the HM is slow, as measured facts. */
  diagnosis?: string[];
  criteria: Criterion[];
  verdict: Verdict;
  exitCode: number;
}

/** The effective configuration, secrets masked. */
export function configForRecord(s: Settings): Record<string, string> {
  return displaySettings(s);
}

export function saveRecord(path: string, r: RunRecord): void {
  writeFileSync(path, pack(r));
}

/** Reads a record written by saveRecord; a missing file or anything else is a usage error. */
export function loadRecord(path: string): RunRecord {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read record ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let r: unknown;
  try {
    r = unpack(bytes);
  } catch {
    throw new UsageError(`${path} is not a stresshm run record (not msgpack)`);
  }
  if (typeof r !== 'object' || r === null || (r as { kind?: unknown }).kind !== 'run') {
    throw new UsageError(`${path} is not a stresshm run record (written by --record)`);
  }
  return r as RunRecord;
}
