// The option definitions: one table that drives parsing, validation, --help, the generated
// sample stresshm.conf, secret masking and the typed Config fields (camelCase of the name),
// so none of them can drift from the others. Renaming an option is a compile error wherever
// its field or key is read.

import { SLA_OPTIONS } from './options_sla';
import { STRESS_OPTIONS } from './options_stress';
import type { ValueSpec, ValueType } from './values';

export interface OptionDef extends ValueSpec {
  readonly section: string;
  /** The INI name and the flag (--name or --name-with-dashes); unique across sections. */
  readonly name: string;
  readonly type: Exclude<ValueType, 'strings'>;
  readonly default?: string | number | boolean;
  readonly help: string;
  /** Never printed: masked in every output (a dburl shows everything but its password). */
  readonly secret?: boolean;
}

const TABLE = [
  // --- [health_manager]: the same names as Octavia's octavia.conf ---
  {
    section: 'health_manager',
    name: 'controller_ip_port_list',
    type: 'list',
    default: '127.0.0.1:5555',
    help: 'Health manager endpoints, "ip:port, [v6]:port, ...". Each amphora rotates round-robin through them.',
  },
  {
    section: 'health_manager',
    name: 'heartbeat_key',
    type: 'string',
    secret: true,
    help: 'HMAC key the health manager verifies heartbeats with (Octavia [health_manager] heartbeat_key).',
  },
  {
    section: 'health_manager',
    name: 'heartbeat_interval',
    type: 'int',
    default: 10,
    min: 1,
    max: 3600,
    help: 'Seconds between two heartbeats of one amphora.',
  },
  {
    section: 'health_manager',
    name: 'heartbeat_version',
    type: 'int',
    default: 3,
    min: 1,
    max: 3,
    help: 'Heartbeat message version: 1 (Rocky), 2 (absolute stats) or 3 (delta stats, current).',
  },
  {
    section: 'health_manager',
    name: 'heartbeat_timeout',
    type: 'int',
    default: 60,
    min: 1,
    max: 86400,
    help:
      'Seconds without a heartbeat after which a real health manager fails an amphora over ' +
      '(used to count stale amphorae).',
  },

  // --- [database]: Octavia's own section, read when octavia.conf is passed ---
  {
    section: 'database',
    name: 'connection',
    type: 'dburl',
    secret: true,
    help: 'Octavia database URL, used when [test_params] octavia_db_connection is not set.',
  },

  // --- [test_params]: the original tool's options, same names and meanings ---
  {
    section: 'test_params',
    name: 'octavia_db_connection',
    type: 'dburl',
    secret: true,
    help: 'Database URL, SQLAlchemy style: mysql+pymysql://user:password@host:3306/octavia',
  },
  {
    section: 'test_params',
    name: 'test_runtime_secs',
    type: 'int',
    default: 60,
    min: 1,
    max: 604800,
    help: 'How long the stress run sends heartbeats, in seconds.',
  },
  {
    section: 'test_params',
    name: 'load_balancers',
    type: 'int',
    default: 10,
    min: 1,
    max: 10000000,
    help: 'Number of ghost load balancers.',
  },
  {
    section: 'test_params',
    name: 'listeners',
    type: 'int',
    default: 1,
    min: 0,
    max: 1000,
    help: 'Listeners for each load balancer (each on its own protocol port).',
  },
  {
    section: 'test_params',
    name: 'pools',
    type: 'int',
    default: 1,
    min: 0,
    max: 1000,
    help: "Pools for each listener; the first is the listener's default pool.",
  },
  {
    section: 'test_params',
    name: 'health_monitors',
    type: 'int',
    default: 1,
    min: 0,
    max: 1,
    help: 'Health monitors for each pool (0 or 1).',
  },
  {
    section: 'test_params',
    name: 'members',
    type: 'int',
    default: 2,
    min: 1,
    max: 65535,
    help: 'Members for each pool.',
  },
  {
    section: 'test_params',
    name: 'l7policies',
    type: 'int',
    default: 0,
    min: 0,
    max: 1000,
    help: 'L7 policies for each listener.',
  },
  {
    section: 'test_params',
    name: 'l7rules',
    type: 'int',
    default: 0,
    min: 0,
    max: 1000,
    help: 'L7 rules for each L7 policy.',
  },
  {
    section: 'test_params',
    name: 'topology',
    type: 'choice',
    default: 'ACTIVE_STANDBY',
    choices: ['SINGLE', 'ACTIVE_STANDBY'],
    help: 'Load balancer topology: SINGLE (1 amphora) or ACTIVE_STANDBY (2 amphorae, MASTER and BACKUP).',
  },
  {
    section: 'test_params',
    name: 'project_id',
    type: 'string',
    help: 'Project the ghosts belong to (default: a fresh UUID per run, so no real quota is touched).',
  },
  {
    section: 'test_params',
    name: 'batch_size',
    type: 'int',
    default: 500,
    min: 1,
    max: 100000,
    help: 'Load balancers written (or removed) per transaction.',
  },
  {
    section: 'test_params',
    name: 'ghost_busy',
    type: 'bool',
    default: true,
    help:
      'Write amphora_health rows with busy = 1 so a real health manager never fails a ghost over. ' +
      'Turn off only in a sandbox.',
  },
  ...STRESS_OPTIONS,
  ...SLA_OPTIONS,
] as const satisfies readonly OptionDef[];

/** The option table, in the order --help and the sample configuration show it. */
export const OPTIONS: readonly OptionDef[] = TABLE;

type Option = (typeof TABLE)[number];

/** The name of every option (also its flag). */
export type OptionName = Option['name'];

/** "section.name" of every option. */
export type OptionKey = Option extends infer O ? (O extends Option ? `${O['section']}.${O['name']}` : never) : never;

/** snake_case to camelCase, at the type level (the Config field of an option). */
type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

type TypeOf<O extends OptionDef> = O['type'] extends 'int' | 'float'
  ? number
  : O['type'] extends 'bool'
    ? boolean
    : O['type'] extends 'list'
      ? string[]
      : O extends { choices: readonly (infer C)[] }
        ? C
        : string;

/** An option without a default may be unset. */
type Present<O extends OptionDef> = O extends { default: unknown } ? TypeOf<O> : TypeOf<O> | undefined;

/** Every option's typed value, by its camelCase field name. */
export type OptionValues = { [O in Option as Camel<O['name']>]: Present<O> };

/** The typed value of the option `K` ("section.name"). */
export type ValueAt<K extends OptionKey> = Option extends infer O
  ? O extends Option
    ? `${O['section']}.${O['name']}` extends K
      ? Present<O>
      : never
    : never
  : never;

export function optionKey(def: Pick<OptionDef, 'section' | 'name'>): OptionKey {
  return `${def.section}.${def.name}` as OptionKey;
}

/** The Config field of an option: its name in camelCase. */
export function fieldName(def: Pick<OptionDef, 'name'>): string {
  return def.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function findOption(name: string): OptionDef | undefined {
  const norm = name.replace(/-/g, '_');
  return OPTIONS.find((o) => o.name === norm || optionKey(o) === norm);
}

/** Our own sections: an unknown option there is a typo worth refusing. */
export const OWN_SECTIONS = new Set(['test_params', 'stress', 'sla']);
