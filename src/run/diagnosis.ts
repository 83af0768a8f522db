// Why the HM is slow, as facts: a few sentences, each citing a figure the run measured (the
// ledger, CPU by role, database work). Nothing is claimed that was not measured.

import type { DbWork } from './dbstatus';
import type { RoleCpu } from './hmcpu';
import type { Ledger } from './ledger';
import { offeredShare } from './sla';

export interface DiagnosisInputs {
  ledger: Ledger;
  /** Seconds of the measurement window (sending and draining). */
  seconds: number;
  hmCpu?: RoleCpu[];
  /** CPU seconds of a database server on this machine. */
  dbCpuSecs?: number;
  db?: DbWork;
  cores: number;
  /** What the sender was asked to offer, what it took, and the share it is held to (undefined: not known). */
  offered?: { due: number; lagP99Ms: number; senderCpuSecs: number; sendingSecs: number; minShare: number };
}

const pct = (v: number) => `${(100 * v).toFixed(v < 0.1 ? 1 : 0)}%`;
const n = (v: number) => Math.round(v).toLocaleString('en-US');

function lossFacts(l: Ledger): string[] {
  const out: string[] = [];
  if (l.sent === 0) return out;
  if (l.kernelDropped !== null && l.kernelDropped / l.sent > 0.01) {
    out.push(
      `${pct(l.kernelDropped / l.sent)} of heartbeats (${n(l.kernelDropped)}) were dropped by the kernel at the HM ` +
        'socket before the HM read them: its receive buffer was full; ' +
        'raise [health_manager] sock_rlimit or add HM endpoints',
    );
  }
  if (l.staleDropped !== null && l.staleDropped / l.sent > 0.01) {
    out.push(
      `${pct(l.staleDropped / l.sent)} (${n(l.staleDropped)}) were read but dropped by the HM as stale ` +
        '("THIS IS NOT GOOD"): they waited a whole heartbeat_interval for a health-update worker',
    );
  }
  if (l.listenerMismatch !== null && l.listenerMismatch > 0) {
    out.push(
      `${n(l.listenerMismatch)} heartbeats reported a listener count the database did not expect ` +
        '(no health update was made)',
    );
  }
  if (l.sendErrors > 0) out.push(`${n(l.sendErrors)} heartbeats failed to send (see the send errors by errno)`);
  return out;
}

function cpuFacts(i: DiagnosisInputs): string[] {
  const out: string[] = [];
  for (const r of i.hmCpu ?? []) {
    const listener = r.listenerSecs / i.seconds;
    const pools = r.poolSecs / i.seconds;
    out.push(
      `HM ${r.endpoint}: listener process at ${pct(listener)} of one core, its ${r.poolWorkers} pool workers at ` +
        `${pct(pools)} of one core ` +
        `together${poolSplit(r, i.seconds)}` +
        `${listener > 0.8 ? ' (the listener reads every datagram alone: it is saturated)' : ''}` +
        `${pools > 0.8 * Math.min(i.cores, Math.max(1, r.poolWorkers)) ? ' (the pools are saturated)' : ''}`,
    );
  }
  if (i.dbCpuSecs !== undefined) out.push(`database server at ${pct(i.dbCpuSecs / i.seconds)} of one core`);
  if (i.db && i.db.processed > 0) {
    const p = i.db.perHeartbeat;
    out.push(
      `${i.db.statementsPerHeartbeat.toFixed(1)} statements per processed heartbeat (${p.select.toFixed(1)} SELECT, ` +
        `${p.update.toFixed(1)} UPDATE, ${p.insert.toFixed(1)} INSERT, ${p.commit.toFixed(1)} COMMIT)` +
        `${p.rowsRead === undefined ? '' : `, ${p.rowsRead.toFixed(0)} rows read`}` +
        `${i.db.rowLockWaits === undefined ? '' : `, ${i.db.rowLockWaits} row lock waits in all`}`,
    );
  }
  return out;
}

/** " (health-update pool 30%, statistics pool 3%)" when the pools could be told apart. */
function poolSplit(r: RoleCpu, seconds: number): string {
  if (r.healthPoolSecs === undefined || r.statsPoolSecs === undefined) return '';
  return ` (health-update pool ${pct(r.healthPoolSecs / seconds)}, statistics pool ${pct(r.statsPoolSecs / seconds)})`;
}

/** The sender sent less than its share of the heartbeats due: the load asked for was not offered. */
function offeredFacts(i: DiagnosisInputs): string[] {
  const o = i.offered;
  const share = o && offeredShare({ sent: i.ledger.sent, due: o.due });
  if (!o || share === undefined || share >= o.minShare) return [];
  const cores =
    o.sendingSecs > 0 ? ` with its sender threads at ${(o.senderCpuSecs / o.sendingSecs).toFixed(2)} cores` : '';
  return [
    `stresshm sent only ${pct(share)} of the heartbeats due (${n(i.ledger.sent)} of ${n(o.due)}; ` +
      `p99 ${n(o.lagP99Ms)} ms behind schedule${cores} on a ${i.cores}-core machine): the HM was not offered ` +
      'the configured load; run fewer amphorae per stresshm, or stresshm where it has cores of its own',
  ];
}

export function diagnose(i: DiagnosisInputs): string[] {
  const losses = lossFacts(i.ledger);
  const facts = [...losses, ...cpuFacts(i)];
  if (losses.length === 0 && i.ledger.sent > 0) {
    facts.unshift(
      `no heartbeat was lost that stresshm could see (${pct(i.ledger.processed / i.ledger.sent)} processed)`,
    );
  }
  return [...offeredFacts(i), ...facts];
}
