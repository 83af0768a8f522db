// Small fleet specs for wire-format and engine tests, and the operating status Octavia's HM
// derives from a fleet's heartbeats.

import {
  AMPHORA_ZLIB_LEVEL,
  type FleetSpec,
  listenerStatus,
  type MemberWord,
  memberOrdinals,
  poolMessage,
} from '../../src/engine/wire';

export const LB1 = {
  listener: '11111111-1111-4111-8111-111111111111',
  pool: '22222222-2222-4222-8222-222222222222',
  members: ['33333333-3333-4333-8333-333333333331', '33333333-3333-4333-8333-333333333332'],
  amphora: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa1',
};

/** Strings json.dumps must escape: quotes, backslash, controls, DEL, Latin-1, BMP, astral. */
export const ODD_STRINGS = [
  'plain',
  'q"uote',
  'back\\slash',
  'tab\there',
  'nl\n cr\r bs\b ff\f',
  '\u0001\u001f',
  'del\u007f',
  'caf\u00e9',
  '\u20ac \u4e2d',
  'emoji \u{1f600}',
  '/slash',
  '~ space ',
  '',
];

export function tinySpec(version: 1 | 2 | 3, over: Partial<FleetSpec> = {}): FleetSpec {
  return {
    key: 'insecure',
    version,
    intervalMs: 10000,
    legacyDigest: false,
    burst: false,
    threads: 1,
    zlibLevel: AMPHORA_ZLIB_LEVEL,
    churn: { down: 0, drain: 0, maint: 0, nocheck: 0, listenerFull: 0, perInterval: 0 },
    endpoints: [{ host: '127.0.0.1', port: 5555 }],
    lbs: [{ listeners: [LB1.listener], pools: [{ id: LB1.pool, listener: LB1.listener, members: LB1.members }] }],
    amphorae: [{ id: LB1.amphora, lb: 0 }],
    ...over,
  };
}

/** `lbs` load balancers, each with `listeners` listeners x `pools` pools x `members` members, 2 amphorae. */
export function sampleSpec(
  version: 1 | 2 | 3,
  lbs: number,
  listeners: number,
  pools: number,
  members: number,
  over: Partial<FleetSpec> = {},
): FleetSpec {
  const hex = (n: number, w = 12) => n.toString(16).padStart(w, '0');
  const id = (kind: number, n: number) => `${hex(kind, 8)}-0000-4000-8000-${hex(n)}`;
  const spec = tinySpec(version, { lbs: [], amphorae: [], ...over });
  let counter = 0;
  for (let b = 0; b < lbs; b++) {
    const ls = Array.from({ length: listeners }, () => id(1, counter++));
    spec.lbs.push({
      listeners: ls,
      pools: ls.flatMap((l) =>
        Array.from({ length: pools }, () => ({
          id: id(2, counter++),
          listener: l,
          members: Array.from({ length: members }, () => id(3, counter++)),
        })),
      ),
    });
    spec.amphorae.push({ id: id(4, counter++), lb: b }, { id: id(4, counter++), lb: b });
  }
  return spec;
}

export interface ExpectedStatus {
  loadBalancers: Map<number, string>;
  listeners: Map<string, string>;
  pools: Map<string, string>;
  members: Map<string, string>;
}

const MEMBER_OPERATING: Record<MemberWord, string> = {
  UP: 'ONLINE',
  DOWN: 'ERROR',
  DRAIN: 'DRAINING',
  MAINT: 'OFFLINE',
  'no check': 'NO_MONITOR',
};

/** The operating_status Octavia's HM writes after processing interval `n`'s heartbeats. */
export function expectedStatus(spec: FleetSpec, n: number): ExpectedStatus {
  const { firstOrdinal, total } = memberOrdinals(spec);
  const out: ExpectedStatus = { loadBalancers: new Map(), listeners: new Map(), pools: new Map(), members: new Map() };
  spec.lbs.forEach((lb, i) => {
    let lbStatus = 'ONLINE';
    for (const id of lb.listeners) {
      const full = listenerStatus(spec.churn, id) === 'FULL';
      out.listeners.set(id, full ? 'DEGRADED' : 'ONLINE');
      if (full) lbStatus = 'DEGRADED';
    }
    for (const p of lb.pools) {
      const msg = poolMessage(spec, p, firstOrdinal.get(p)!, total, n);
      let pool = msg.status === 'UP' ? 'ONLINE' : 'ERROR';
      if (pool === 'ERROR') lbStatus = 'ERROR';
      for (const [m, word] of Object.entries(msg.members)) {
        out.members.set(m, MEMBER_OPERATING[word as MemberWord]);
        if (word === 'DOWN' && pool === 'ONLINE') {
          pool = 'DEGRADED';
          if (lbStatus === 'ONLINE') lbStatus = 'DEGRADED';
        }
      }
      out.pools.set(p.id, pool);
    }
    out.loadBalancers.set(i, lbStatus);
  });
  return out;
}
