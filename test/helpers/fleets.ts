// Small fleet specs for wire-format and engine tests.

import { FleetSpec } from '../../src/engine/wire';

export const LB1 = {
  listener: '11111111-1111-4111-8111-111111111111',
  pool: '22222222-2222-4222-8222-222222222222',
  members: ['33333333-3333-4333-8333-333333333331', '33333333-3333-4333-8333-333333333332'],
  amphora: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa1',
};

export function tinySpec(version: 1 | 2 | 3, over: Partial<FleetSpec> = {}): FleetSpec {
  return {
    key: 'insecure', version, intervalMs: 10000, legacyDigest: false, burst: false, threads: 1, zlibLevel: 6,
    churn: { down: 0, drain: 0, maint: 0, nocheck: 0, listenerFull: 0, perInterval: 0 },
    endpoints: [{ host: '127.0.0.1', port: 5555 }],
    lbs: [{ listeners: [LB1.listener], pools: [{ id: LB1.pool, listener: LB1.listener, members: LB1.members }] }],
    amphorae: [{ id: LB1.amphora, lb: 0 }],
    ...over,
  };
}

/** `lbs` load balancers, each with `listeners` listeners x `pools` pools x `members` members, 2 amphorae. */
export function sampleSpec(version: 1 | 2 | 3, lbs: number, listeners: number, pools: number, members: number, over: Partial<FleetSpec> = {}): FleetSpec {
  const hex = (n: number, w = 12) => n.toString(16).padStart(w, '0');
  const id = (kind: number, n: number) => `${hex(kind, 8)}-0000-4000-8000-${hex(n)}`;
  const spec = tinySpec(version, { lbs: [], amphorae: [], ...over });
  let counter = 0;
  for (let b = 0; b < lbs; b++) {
    const ls = Array.from({ length: listeners }, () => id(1, counter++));
    spec.lbs.push({
      listeners: ls,
      pools: ls.flatMap((l) => Array.from({ length: pools }, () => ({ id: id(2, counter++), listener: l, members: Array.from({ length: members }, () => id(3, counter++)) }))),
    });
    spec.amphorae.push({ id: id(4, counter++), lb: b }, { id: id(4, counter++), lb: b });
  }
  return spec;
}
