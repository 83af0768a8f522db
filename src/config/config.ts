// Configuration: reads one or more INI files (later override earlier), then command-line
// flags, validates every value against the option table and returns typed settings.

import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { parseIni } from './ini';
import { OPTIONS, OWN_SECTIONS, OptionDef, findOption, optionKey } from './options';
import { UsageError } from '../errors';

export type Value = string | number | boolean | string[] | undefined;

export interface Settings {
  /** Raw typed values keyed "section.name". */
  readonly values: ReadonlyMap<string, Value>;
  /** Where each value came from: "default", a file path or "command line". */
  readonly origins: ReadonlyMap<string, string>;
}

export interface Config {
  controllerIpPortList: string[];
  heartbeatKey?: string;
  heartbeatInterval: number;
  heartbeatVersion: 1 | 2 | 3;
  heartbeatTimeout: number;
  dbConnection?: string;
  testRuntimeSecs: number;
  loadBalancers: number;
  listeners: number;
  pools: number;
  healthMonitors: number;
  members: number;
  l7policies: number;
  l7rules: number;
  topology: 'SINGLE' | 'ACTIVE_STANDBY';
  projectId: string;
  batchSize: number;
  ghostBusy: boolean;
  senderThreads: number;
  burst: boolean;
  legacyDigest: boolean;
  memberDownShare: number;
  memberDrainShare: number;
  memberMaintShare: number;
  memberNocheckShare: number;
  churnPerInterval: number;
  listenerFullShare: number;
  drainTimeoutSecs: number;
  /** Everything, including options added by later modules (e.g. [sla]). */
  settings: Settings;
}

export function convert(def: OptionDef, raw: string | number | boolean, origin: string): Value {
  const where = `${def.section}.${def.name} (${origin})`;
  const text = String(raw).trim();
  switch (def.type) {
    case 'int':
    case 'float': {
      const n = def.type === 'int' ? (/^[-+]?\d+$/.test(text) ? Number(text) : NaN) : Number(text);
      if (text === '' || !Number.isFinite(n)) throw new UsageError(`${where}: "${text}" is not ${def.type === 'int' ? 'an integer' : 'a number'}`);
      if (def.min !== undefined && n < def.min) throw new UsageError(`${where}: ${n} is below the minimum ${def.min}`);
      if (def.max !== undefined && n > def.max) throw new UsageError(`${where}: ${n} is above the maximum ${def.max}`);
      return n;
    }
    case 'bool': {
      const t = text.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(t)) return true;
      if (['0', 'false', 'no', 'off'].includes(t)) return false;
      throw new UsageError(`${where}: "${text}" is not a boolean (true/false)`);
    }
    case 'choice': {
      const up = text.toUpperCase();
      if (!def.choices?.includes(up)) throw new UsageError(`${where}: "${text}" is not one of ${def.choices?.join(', ')}`);
      return up;
    }
    case 'list':
      return text.split(/[,\n]/).map((s) => s.trim()).filter((s) => s !== '');
    case 'string':
      return text;
  }
}

function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read config file ${path}: ${code === 'ENOENT' ? 'no such file' : code ?? String(e)}`);
  }
}

function applyFile(path: string, values: Map<string, Value>, origins: Map<string, string>): void {
  let ini;
  try {
    ini = parseIni(readFile(path), path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message);
  }
  for (const [section, entries] of ini) {
    for (const [name, raw] of entries) {
      const def = OPTIONS.find((o) => o.section === section && o.name === name);
      if (!def) {
        if (OWN_SECTIONS.has(section)) throw new UsageError(`${path}: unknown option "${name}" in [${section}]`);
        continue; // another program's option (e.g. octavia.conf): ignored
      }
      values.set(optionKey(def), convert(def, raw, path));
      origins.set(optionKey(def), path);
    }
  }
}

/**
 * Builds settings from defaults, then each file in order, then flags.
 * `flags` maps option names (plain or "section.name", dashes allowed) to raw values.
 */
export function loadSettings(files: string[], flags: Record<string, string | number | boolean>): Settings {
  const values = new Map<string, Value>();
  const origins = new Map<string, string>();
  for (const def of OPTIONS) {
    if (def.default !== undefined) values.set(optionKey(def), convert(def, def.default, 'default'));
    origins.set(optionKey(def), 'default');
  }
  for (const f of files) applyFile(f, values, origins);
  for (const [flag, raw] of Object.entries(flags)) {
    const def = findOption(flag);
    if (!def) throw new UsageError(`unknown option --${flag} (see stresshm --help)`);
    values.set(optionKey(def), convert(def, raw, 'command line'));
    origins.set(optionKey(def), 'command line');
  }
  return { values, origins };
}

export function get<T extends Value>(s: Settings, key: string): T {
  return s.values.get(key) as T;
}

export function toConfig(s: Settings): Config {
  const g = <T extends Value>(k: string) => get<T>(s, k);
  return {
    controllerIpPortList: g<string[]>('health_manager.controller_ip_port_list'),
    heartbeatKey: g<string | undefined>('health_manager.heartbeat_key'),
    heartbeatInterval: g<number>('health_manager.heartbeat_interval'),
    heartbeatVersion: g<number>('health_manager.heartbeat_version') as 1 | 2 | 3,
    heartbeatTimeout: g<number>('health_manager.heartbeat_timeout'),
    dbConnection: g<string | undefined>('test_params.octavia_db_connection') || g<string | undefined>('database.connection') || undefined,
    testRuntimeSecs: g<number>('test_params.test_runtime_secs'),
    loadBalancers: g<number>('test_params.load_balancers'),
    listeners: g<number>('test_params.listeners'),
    pools: g<number>('test_params.pools'),
    healthMonitors: g<number>('test_params.health_monitors'),
    members: g<number>('test_params.members'),
    l7policies: g<number>('test_params.l7policies'),
    l7rules: g<number>('test_params.l7rules'),
    topology: g<string>('test_params.topology') as 'SINGLE' | 'ACTIVE_STANDBY',
    projectId: g<string | undefined>('test_params.project_id') || randomUUID(),
    batchSize: g<number>('test_params.batch_size'),
    ghostBusy: g<boolean>('test_params.ghost_busy'),
    senderThreads: g<number>('stress.sender_threads'),
    burst: g<boolean>('stress.burst'),
    legacyDigest: g<boolean>('stress.legacy_digest'),
    memberDownShare: g<number>('stress.member_down_share'),
    memberDrainShare: g<number>('stress.member_drain_share'),
    memberMaintShare: g<number>('stress.member_maint_share'),
    memberNocheckShare: g<number>('stress.member_nocheck_share'),
    churnPerInterval: g<number>('stress.churn_per_interval'),
    listenerFullShare: g<number>('stress.listener_full_share'),
    drainTimeoutSecs: g<number>('stress.drain_timeout_secs'),
    settings: s,
  };
}

export function loadConfig(files: string[], flags: Record<string, string | number | boolean> = {}): Config {
  const cfg = toConfig(loadSettings(files, flags));
  const shares = cfg.memberDownShare + cfg.memberDrainShare + cfg.memberMaintShare + cfg.memberNocheckShare;
  if (shares > 1 + 1e-9) throw new UsageError(`stress member_*_share options add up to ${shares}, more than 1`);
  return cfg;
}

/** The sample stresshm.conf, generated from the option table. */
export function sampleConfig(): string {
  const out: string[] = [
    '# stresshm configuration. Generated by `stresshm sample-config` from the option table:',
    '# every option, its help text and its default. Pass several files with --config-file;',
    '# later files override earlier ones, e.g. --config-file stresshm.conf --config-file /etc/octavia/octavia.conf',
  ];
  let section = '';
  for (const def of OPTIONS) {
    if (def.section !== section) {
      section = def.section;
      out.push('', `[${section}]`);
    }
    out.push('', ...wrap(def.help).map((l) => `# ${l}`));
    const extra = def.type === 'choice' ? ` (one of ${def.choices?.join(', ')})`
      : def.min !== undefined ? ` (${def.type}, ${def.min}..${def.max})` : ` (${def.type})`;
    out.push(`# Type${extra}`);
    out.push(def.default === undefined ? `#${def.name} =` : `#${def.name} = ${def.default}`);
  }
  return `${out.join('\n')}\n`;
}

function wrap(text: string, width = 78): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/)) {
    if (cur && cur.length + word.length + 1 > width) {
      lines.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) lines.push(cur);
  return lines;
}
