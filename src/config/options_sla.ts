// The [sla] options: the thresholds a run is judged by. Part of the option table (options.ts).

import type { OptionDef } from './options';

/** A count the run may reach and still keep up: 0 (none allowed) by default. */
function mostAllowed<const N extends string>(name: N, help: string) {
  return { section: 'sla', name, type: 'int', default: 0, min: 0, max: 1000000000, help } as const;
}

export const SLA_OPTIONS = [
  {
    section: 'sla',
    name: 'sla_min_processed_share',
    type: 'float',
    default: 0.99,
    min: 0,
    max: 1,
    help: 'Least share of sent heartbeats the HM must process (amphora_health advances) for KEEPING UP.',
  },
  {
    section: 'sla',
    name: 'sla_max_p99_lag_ratio',
    type: 'float',
    default: 0.5,
    min: 0,
    max: 100,
    help: 'Largest p99 processing lag, as a share of heartbeat_interval, for KEEPING UP.',
  },
  mostAllowed('sla_max_log_drops', 'Most "THIS IS NOT GOOD" drops allowed in the HM logs (--hm-log).'),
  mostAllowed(
    'sla_max_timeout_stale',
    'Most amphorae allowed without a heartbeat for longer than heartbeat_timeout (a real HM fails those over).',
  ),
  mostAllowed(
    'sla_max_kernel_drops',
    'Most heartbeats the kernel may drop at a local HM socket (its receive buffer full; see ' +
      '[health_manager] sock_rlimit).',
  ),
  {
    section: 'sla',
    name: 'sla_failing_processed_share',
    type: 'float',
    default: 0.5,
    min: 0,
    max: 1,
    help: 'Below this processed share the verdict is FAILING rather than FALLING BEHIND.',
  },
] as const satisfies readonly OptionDef[];
