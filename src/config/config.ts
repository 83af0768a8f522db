// Configuration: reads one or more INI files (later override earlier), then command-line
// flags, validates every value against the option table and returns typed settings whose
// fields are derived from that table (see options.ts).

import { randomUUID } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { UsageError } from '../errors';
import { maskUrl } from './dburl';
import { parseIni } from './ini';
import {
  fieldName,
  findOption,
  OPTIONS,
  type OptionDef,
  type OptionKey,
  type OptionName,
  type OptionValues,
  OWN_SECTIONS,
  optionKey,
  type ValueAt,
} from './options';
import { convertValue, type Value } from './values';

export type { Value } from './values';

/** Option values given in code or on the command line, by name ("members") or key ("stress.burst"). */
export type Overrides = { [K in OptionName | OptionKey]?: string | number | boolean };

export interface Settings {
  /** Typed values keyed "section.name"; read them with get(). */
  readonly values: ReadonlyMap<string, Value>;
}

/** The two database URL options collapse into dbConnection; project_id gets a fresh UUID. */
type Derived = 'connection' | 'octaviaDbConnection' | 'projectId' | 'heartbeatVersion';

export type Config = Omit<OptionValues, Derived> & {
  dbConnection?: string;
  projectId: string;
  heartbeatVersion: 1 | 2 | 3;
  /** Everything, keyed "section.name" (for the run record and the SLA). */
  settings: Settings;
};

/** The most a configuration file may hold: anything larger is not a configuration. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Converts an option's value; errors name the option and `origin`, and never quote a secret. */
export function convert(def: OptionDef, raw: Value, origin: string, showValue = true): Value {
  return convertValue(def, raw, `${def.section}.${def.name} (${origin})`, showValue && !def.secret);
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a configuration file that must be a regular file of at most MAX_CONFIG_BYTES (it
 * reads one byte more to know). Opened non-blocking, so a FIFO is refused at once instead
 * of waiting for a writer.
 */
export function readConfigFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read config file ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(e))}`,
    );
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UsageError(`config file ${path} is ${kindOf(st)}, not a regular file`);
    const buf = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let len = 0;
    for (let n = 1; n > 0 && len < buf.length; len += n) n = readSync(fd, buf, len, buf.length - len, null);
    if (len > MAX_CONFIG_BYTES) throw new UsageError(`config file ${path} is larger than ${MAX_CONFIG_BYTES} bytes`);
    return buf.toString('utf8', 0, len);
  } finally {
    closeSync(fd);
  }
}

function applyFile(path: string, values: Map<string, Value>): void {
  for (const [section, entries] of parseIni(readConfigFile(path), path)) {
    for (const [name, entry] of entries) {
      const def = OPTIONS.find((o) => o.section === section && o.name === name);
      if (!def) {
        if (OWN_SECTIONS.has(section)) {
          throw new UsageError(`${path}:${entry.line}: unknown option "${name}" in [${section}]`);
        }
        continue; // another program's option (e.g. octavia.conf): ignored
      }
      values.set(optionKey(def), convert(def, entry.value, `${path}:${entry.line}`, false));
    }
  }
}

/**
 * Builds settings from defaults, then each file in order, then flags.
 * `flags` maps option names (plain or "section.name", dashes allowed) to values.
 */
export function loadSettings(files: string[], flags: Overrides = {}): Settings {
  const values = new Map<string, Value>();
  for (const def of OPTIONS) {
    if (def.default !== undefined) values.set(optionKey(def), convert(def, def.default, 'default'));
  }
  for (const f of files) applyFile(f, values);
  for (const [flag, raw] of Object.entries(flags)) {
    if (raw === undefined) continue;
    const def = findOption(flag);
    if (!def) throw new UsageError(`unknown option --${flag} (see stresshm --help)`);
    values.set(optionKey(def), convert(def, raw, 'command line'));
  }
  return { values };
}

/** The typed value of one option; the key is checked at compile time. */
export function get<K extends OptionKey>(s: Settings, key: K): ValueAt<K> {
  return s.values.get(key) as ValueAt<K>;
}

export function toConfig(s: Settings): Config {
  const fields: Record<string, Value | undefined> = {};
  for (const def of OPTIONS) fields[fieldName(def)] = s.values.get(optionKey(def));
  const { connection, octaviaDbConnection, projectId, heartbeatVersion, ...rest } = fields as OptionValues;
  return {
    ...rest,
    dbConnection: octaviaDbConnection || connection || undefined,
    projectId: projectId || randomUUID(),
    heartbeatVersion: heartbeatVersion as 1 | 2 | 3,
    settings: s,
  };
}

export function loadConfig(files: string[], flags: Overrides = {}): Config {
  const cfg = toConfig(loadSettings(files, flags));
  const shares = cfg.memberDownShare + cfg.memberDrainShare + cfg.memberMaintShare + cfg.memberNocheckShare;
  if (shares > 1 + 1e-9) throw new UsageError(`stress member_*_share options add up to ${shares}, more than 1`);
  return cfg;
}

/** How an option's value may be shown: secrets masked by the option's own mark. */
export function displayValue(def: OptionDef, v: Value): string {
  const text = Array.isArray(v) ? v.join(', ') : String(v);
  if (!def.secret) return text;
  return def.type === 'dburl' ? maskUrl(text) : '***';
}

/** Every set option as "section.name" -> displayable text, secrets masked. */
export function displaySettings(s: Settings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const def of OPTIONS) {
    const v = s.values.get(optionKey(def));
    if (v !== undefined) out[optionKey(def)] = displayValue(def, v);
  }
  return out;
}
