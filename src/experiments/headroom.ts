// Headroom in the operator's terms: a capacity search's knee expressed as multiples of a
// profiled fleet ("sustains 2.4x the profiled fleet (about N amphorae at heartbeat_interval 10)"),
// and the profile's ghosts each capacity step runs.

import type { Config } from '../config/config';
import { type GhostPlan, planFromProfile, withProfileShares } from '../ghostdb/ghosts';
import { type Profile, rolesOf } from '../ghostdb/shapes';
import type { CapacityResult, CapacityStep } from './capacity';

/** What one capacity step ran with a profile: its scale and the ghosts (read back by the run) it gave. */
export interface ProfileStep {
  scale: number;
  amphorae: number;
  loadBalancers: number;
}

const n = (v: number) => Math.round(v).toLocaleString('en-US');
const x = (s: number) => `${s >= 10 ? s.toFixed(0) : s.toFixed(1)}x`;

function badPart(bad: CapacityStep, b: ProfileStep): string {
  return (
    `at ${x(b.scale)} (${n(b.amphorae)} amphorae) p99 lag reaches ${bad.lagP99.toFixed(1)} s and ` +
    `${(100 * bad.processedShare).toFixed(1)}% are processed (${bad.verdict})`
  );
}

/** The knee as multiples of the profiled fleet; `steps` maps a step's target amphorae to what it ran. */
export function headroomText(res: CapacityResult, steps: Map<number, ProfileStep>): string {
  const at = (s?: CapacityStep) => (s ? steps.get(s.amphorae) : undefined);
  const limit = at(res.senderLimit);
  const text = hmHeadroomText(res, at, limit ? 'measured' : 'tried');
  if (!limit) return text;
  const why = `stresshm could not send ${x(limit.scale)} the profiled fleet on schedule here (INCONCLUSIVE)`;
  return `${text}; the search ended there: ${why}`;
}

function hmHeadroomText(
  res: CapacityResult,
  at: (s?: CapacityStep) => ProfileStep | undefined,
  highest: 'tried' | 'measured',
): string {
  const good = at(res.lastGood);
  const bad = at(res.firstBad);
  const interval = `heartbeat_interval ${res.intervalSecs}`;
  if (good && bad) {
    return (
      `this HM sustains ${x(good.scale)} the profiled fleet (about ${n(good.amphorae)} amphorae at ${interval}); ` +
      badPart(res.firstBad!, bad)
    );
  }
  if (good) {
    return (
      `this HM sustains at least ${x(good.scale)} the profiled fleet (about ${n(good.amphorae)} amphorae` +
      ` at ${interval}), the most ${highest}`
    );
  }
  if (bad) return `this HM does not sustain even ${x(bad.scale)} the profiled fleet: ${badPart(res.firstBad!, bad)}`;
  return res.senderLimit ? 'no step measured the HM' : 'no step completed';
}

/**
 * A capacity step's ghosts from the profile: scale = the step's amphorae / the profile's. The step is
 * recorded in `steps` (by its target amphorae) for the headroom.
 */
export function profileStep(
  profile: Profile,
  seed: number,
  cfg: Config,
  steps: Map<number, ProfileStep>,
): { cfg: Config; plan: GhostPlan } {
  const target = cfg.loadBalancers * 2;
  const scale = target / profile.amphorae;
  const shaped = withProfileShares(cfg, profile);
  const plan = planFromProfile(shaped, profile, scale, seed);
  const sp = plan.shapes!;
  const amphorae = sp.counts.reduce((a, c, i) => a + c * rolesOf(sp.shapes[i]).length, 0);
  steps.set(target, { scale, amphorae, loadBalancers: plan.loadBalancers });
  return { cfg: shaped, plan };
}
