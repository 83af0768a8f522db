// The [stress] options: the heartbeat engine, the monitor, the drain and the database bounds of a run.
// Part of the option table (options.ts), kept apart only for size.

import type { OptionDef } from './options';

/** A share of the fleet, from 0 (none, the default) to 1 (all). */
function share<const N extends string>(name: N, help: string) {
  return { section: 'stress', name, type: 'float', default: 0, min: 0, max: 1, help } as const;
}

export const STRESS_OPTIONS = [
  {
    section: 'stress',
    name: 'sender_threads',
    type: 'int',
    default: 0,
    min: 0,
    max: 64,
    help: 'Native sender threads (0 = one per core).',
  },
  {
    section: 'stress',
    name: 'burst',
    type: 'bool',
    default: false,
    help: "Align every amphora's first heartbeat instead of spreading them evenly across the interval.",
  },
  {
    section: 'stress',
    name: 'legacy_digest',
    type: 'bool',
    default: false,
    help: 'Append the raw 32-byte HMAC digest (very old amphorae) instead of the 64-character hex digest.',
  },
  share('member_down_share', 'Share of members reporting DOWN.'),
  share('member_drain_share', 'Share of members reporting DRAIN.'),
  share('member_maint_share', 'Share of members reporting MAINT.'),
  share('member_nocheck_share', 'Share of members reporting "no check".'),
  {
    section: 'stress',
    name: 'churn_per_interval',
    type: 'int',
    default: 0,
    min: 0,
    max: 100000000,
    help: "Members whose status changes each heartbeat interval (loads the HM's status-update path).",
  },
  share('listener_full_share', 'Share of listeners reporting FULL (DEGRADED).'),
  {
    section: 'stress',
    name: 'drain_timeout_secs',
    type: 'int',
    default: 30,
    min: 0,
    max: 3600,
    help: 'After sending stops, wait at most this long for the health manager to drain before cleaning.',
  },
  {
    section: 'stress',
    name: 'db_timeout_secs',
    type: 'int',
    default: 30,
    min: 1,
    max: 3600,
    help: 'A database statement that gets no answer for this long counts as a lost connection (a stalled server).',
  },
  {
    section: 'stress',
    name: 'db_retry_secs',
    type: 'int',
    default: 60,
    min: 1,
    max: 3600,
    help: 'How long a run keeps reconnecting to a lost database (to poll, and to clean up) before it gives up.',
  },
  {
    section: 'stress',
    name: 'ghost_ids',
    type: 'choice',
    default: 'V7',
    choices: ['V7', 'V4'],
    help:
      'Primary keys of the ghost rows: v7 (time-ordered UUIDv7 dealt in shuffled blocks: populate and clean ' +
      'stay fast beyond the buffer pool) or v4 (random UUIDv4, the old scheme).',
  },
] as const satisfies readonly OptionDef[];
