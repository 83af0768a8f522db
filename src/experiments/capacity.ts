// Capacity search: raise the offered heartbeat rate step by step (more amphorae at the
// configured interval) until the SLA fails, then bisect between the last good and the first
// bad step, and name the knee. Every step is a full stress run (populate, send, drain, clean).
// A step whose sender could not offer its rate (INCONCLUSIVE) ends the search: beyond it the
// limit measured would be stresshm's, not the HM's.

import { type Config, loadConfig, type Overrides } from '../config/config';
import { interruptRequested } from '../lifecycle/interrupt';
import type { RunRecord } from '../run/record';
import type { Verdict } from '../run/sla';

export interface CapacityOptions {
  startRate: number;
  factor: number;
  maxRate: number;
  stepSecs: number;
  refineSteps: number;
}

export interface CapacityStep {
  rate: number;
  amphorae: number;
  verdict: Verdict;
  processedShare: number;
  processedPerSec: number;
  lagP99: number;
  drops?: number;
  /** Database statements per processed heartbeat (server counters), when they could be read. */
  statementsPerHeartbeat?: number;
  /** HM CPU seconds per 1,000 processed heartbeats (listener plus pools), for an HM on this machine. */
  cpuSecsPer1000?: number;
}

export interface CapacityResult {
  kind: 'capacity';
  intervalSecs: number;
  steps: CapacityStep[];
  lastGood?: CapacityStep;
  firstBad?: CapacityStep;
  /** The first step stresshm could not offer in full (its own limit, not the HM's). */
  senderLimit?: CapacityStep;
  knee: string;
}

/** One step: a stress run at `rate` heartbeats/s; supplied by the command (runner). */
export type StepRunner = (cfg: Config) => Promise<RunRecord>;

/** Rates to try while growing: start, start*factor, ... up to maxRate. */
export function growthRates(o: CapacityOptions): number[] {
  const out: number[] = [];
  for (let r = o.startRate; r <= o.maxRate; r *= o.factor) out.push(Math.round(r));
  return out;
}

export function amphoraeFor(rate: number, intervalSecs: number): number {
  return Math.max(2, 2 * Math.ceil((rate * intervalSecs) / 2)); // whole ACTIVE_STANDBY pairs
}

export function kneeText(
  intervalSecs: number,
  good?: CapacityStep,
  bad?: CapacityStep,
  senderLimit?: CapacityStep,
): string {
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  if (!senderLimit) return hmKneeText(intervalSecs, n, good, bad, 'tried');
  const limit = `stresshm could not send ${n(senderLimit.rate)} heartbeats/s on schedule here (INCONCLUSIVE)`;
  if (!good && !bad) return `no step measured the HM: ${limit}`;
  return `${hmKneeText(intervalSecs, n, good, bad, 'measured')}; the search ended there: ${limit}`;
}

function hmKneeText(
  intervalSecs: number,
  n: (v: number) => string,
  good: CapacityStep | undefined,
  bad: CapacityStep | undefined,
  highest: 'tried' | 'measured',
): string {
  if (!good && bad)
    return (
      `even the lowest load (${n(bad.rate)} heartbeats/s) fails the SLA (${bad.verdict}, p99 lag ` +
      `${bad.lagP99.toFixed(1)} s)`
    );
  if (good && !bad)
    return (
      `sustains at least ${n(good.rate)} heartbeats/s = ${n(good.amphorae)} amphorae at ` +
      `${intervalSecs} s (the highest load ${highest})`
    );
  if (!good || !bad) return 'no step completed';
  return (
    `sustains ${n(good.rate)} heartbeats/s = ${n(good.amphorae)} amphorae at ${intervalSecs} s; at ${n(bad.rate)} ` +
    `p99 lag reaches ${bad.lagP99.toFixed(1)} s and ${(100 * bad.processedShare).toFixed(1)}% are processed (` +
    `${bad.verdict})`
  );
}

function stepOf(rate: number, amphorae: number, r: RunRecord, secs: number): CapacityStep {
  // The time it really sent (--abort-on-fail may end a step early), else the step's length.
  const sending = r.phases.find((p) => p.name === 'send')?.seconds ?? secs;
  return {
    rate,
    amphorae,
    verdict: r.verdict,
    processedShare: r.final.processedShare,
    processedPerSec: r.final.processed / Math.max(1, sending),
    lagP99: r.final.lagP99,
    drops: r.final.log?.drops,
    statementsPerHeartbeat: r.db?.statementsPerHeartbeat,
    cpuSecsPer1000: r.hm?.cpuSecsPer1000 ? r.hm.cpuSecsPer1000.listener + r.hm.cpuSecsPer1000.pools : undefined,
  };
}

export async function searchCapacity(
  base: { files: string[]; overrides: Overrides },
  o: CapacityOptions,
  run: StepRunner,
  onStep: (s: CapacityStep) => void,
): Promise<CapacityResult> {
  const interval = loadConfig(base.files, base.overrides).heartbeatInterval;
  const steps: CapacityStep[] = [];
  const at = async (rate: number): Promise<CapacityStep> => {
    const amphorae = amphoraeFor(rate, interval);
    const cfg = loadConfig(base.files, {
      ...base.overrides,
      load_balancers: String(amphorae / 2),
      topology: 'ACTIVE_STANDBY',
      test_runtime_secs: String(o.stepSecs),
    });
    const s = stepOf(rate, amphorae, await run(cfg), o.stepSecs);
    steps.push(s);
    onStep(s);
    return s;
  };
  let good: CapacityStep | undefined;
  let bad: CapacityStep | undefined;
  let senderLimit: CapacityStep | undefined;
  // An interrupted step says nothing about the HM; an inconclusive one says stresshm is the limit.
  const ends = (s: CapacityStep) => s.verdict === 'INTERRUPTED' || s.verdict === 'INCONCLUSIVE';
  for (const rate of growthRates(o)) {
    if (interruptRequested()) break;
    const s = await at(rate);
    if (s.verdict === 'INCONCLUSIVE') senderLimit = s;
    if (ends(s)) break;
    if (s.verdict === 'KEEPING UP') good = s;
    else {
      bad = s;
      break;
    }
  }
  for (let k = 0; k < o.refineSteps && good && bad && !senderLimit && !interruptRequested(); k++) {
    const mid = Math.round((good.rate + bad.rate) / 2);
    if (mid === good.rate || mid === bad.rate) break;
    const s = await at(mid);
    if (s.verdict === 'INCONCLUSIVE') senderLimit = s;
    if (ends(s)) break;
    if (s.verdict === 'KEEPING UP') good = s;
    else bad = s;
  }
  return {
    kind: 'capacity',
    intervalSecs: interval,
    steps,
    lastGood: good,
    firstBad: bad,
    senderLimit,
    knee: kneeText(interval, good, bad, senderLimit),
  };
}
