// capacity --sweep DIM=V1,V2,...: one capacity search per LB shape (members, listeners or pools
// per LB), so an Octavia developer sees whether the health query scales with LB size: the knee,
// the HM's CPU and the database statements per heartbeat against the shape.

import type { Overrides } from '../config/config';
import { UsageError } from '../errors';
import { interruptRequested } from '../lifecycle/interrupt';
import {
  type CapacityOptions,
  type CapacityResult,
  type CapacityStep,
  type StepRunner,
  searchCapacity,
} from './capacity';

export const SWEEP_DIMENSIONS = ['members', 'listeners', 'pools'] as const;
export type SweepDimension = (typeof SWEEP_DIMENSIONS)[number];

export interface Sweep {
  dimension: SweepDimension;
  values: number[];
}

export interface SweepPoint {
  value: number;
  result: CapacityResult;
  /** The highest rate that kept up (heartbeats/s), if any did. */
  knee?: number;
  /** The search ended at stresshm's own limit, not the HM's: the knee is at least `knee`. */
  senderLimited?: boolean;
  /** Figures of the last good step (or the first step when none kept up). */
  statementsPerHeartbeat?: number;
  cpuSecsPer1000?: number;
}

export interface SweepResult {
  kind: 'sweep';
  dimension: SweepDimension;
  intervalSecs: number;
  points: SweepPoint[];
}

/** "members=1,10,50" -> { dimension: 'members', values: [1, 10, 50] }. */
export function parseSweep(text: string): Sweep {
  const m = /^([a-z_]+)=([\d,\s]+)$/.exec(text.trim());
  const dim = m?.[1] as SweepDimension | undefined;
  if (!m || !dim || !SWEEP_DIMENSIONS.includes(dim)) {
    throw new UsageError(
      `--sweep must be DIM=V1,V2,... with DIM one of ${SWEEP_DIMENSIONS.join(', ')} (e.g. members=1,10,50)`,
    );
  }
  const values = m[2].split(',').map((v) => Number(v.trim()));
  if (values.length < 2 || values.some((v) => !Number.isInteger(v) || v < 1 || v > 1000)) {
    throw new UsageError('--sweep needs at least two whole values from 1 to 1000');
  }
  return { dimension: dim, values };
}

function pointOf(value: number, result: CapacityResult): SweepPoint {
  const ref: CapacityStep | undefined = result.lastGood ?? result.steps[0];
  return {
    value,
    result,
    knee: result.lastGood?.rate,
    senderLimited: result.senderLimit !== undefined && result.firstBad === undefined,
    statementsPerHeartbeat: ref?.statementsPerHeartbeat,
    cpuSecsPer1000: ref?.cpuSecsPer1000,
  };
}

export async function sweepCapacity(
  base: { files: string[]; overrides: Overrides },
  sweep: Sweep,
  o: CapacityOptions,
  run: StepRunner,
  onStep: (value: number, s: CapacityStep) => void,
): Promise<SweepResult> {
  const points: SweepPoint[] = [];
  let interval = 0;
  for (const value of sweep.values) {
    if (interruptRequested()) break;
    const overrides: Overrides = { ...base.overrides, [sweep.dimension]: String(value) };
    const result = await searchCapacity({ files: base.files, overrides }, o, run, (s) => onStep(value, s));
    interval = result.intervalSecs;
    points.push(pointOf(value, result));
  }
  return { kind: 'sweep', dimension: sweep.dimension, intervalSecs: interval, points };
}
