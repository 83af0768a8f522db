// Command-line entry: parses flags with minimist, maps the original tool's flags
// (--db_create_only, --clean_db) onto subcommands, runs one command and sets the exit status.

import minimist from 'minimist';
import { CommandContext, CommandSpec, FlagSpec } from './cli/command';
import { loadConfig, Config } from './config/config';
import { OPTIONS, findOption } from './config/options';
import { EXIT_ENV, UsageError, exitCodeOf, oneLine } from './errors';
import { installSignalHandlers } from './lifecycle/interrupt';
import { COMMANDS } from './cli/commands';

const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'config_file', type: 'strings', help: 'INI file to read; repeat to layer files (later ones win).' },
  { name: 'yes', type: 'boolean', alias: 'y', help: 'Do not ask for confirmation (needed without a terminal when the database holds real load balancers).' },
  { name: 'help', type: 'boolean', alias: 'h', help: 'Show help (for a command: stresshm COMMAND --help).' },
  { name: 'db_create_only', type: 'boolean', help: 'Original flag: populate ghosts and exit (same as `populate`).' },
  { name: 'clean_db', type: 'string', help: 'Original flag: remove the ghosts of PREFIX (same as `clean PREFIX`).' },
];

/** The original tool's flags keep their underscore spelling in --help. */
const LEGACY_FLAGS = new Set(['db_create_only', 'clean_db']);

const norm = (s: string) => s.replace(/-/g, '_');

function allFlags(): FlagSpec[] {
  return [...GLOBAL_FLAGS, ...COMMANDS.flatMap((c) => c.flags)];
}

function minimistOpts(): minimist.Opts {
  const boolean: string[] = [];
  const string: string[] = [];
  const alias: Record<string, string> = {};
  for (const f of allFlags()) {
    const names = [f.name, f.name.replace(/_/g, '-')];
    (f.type === 'boolean' ? boolean : string).push(...names);
    if (f.alias) alias[f.alias] = f.name;
  }
  for (const o of OPTIONS) {
    const names = [o.name, o.name.replace(/_/g, '-')];
    (o.type === 'bool' ? boolean : string).push(...names);
  }
  return { boolean, string, alias, '--': false, unknown: () => true };
}

function pickCommand(positional: string[], flags: Record<string, unknown>): { spec: CommandSpec; rest: string[] } {
  const byName = (n: string) => COMMANDS.find((c) => c.name === n);
  const first = positional[0];
  if (first !== undefined) {
    const spec = byName(first);
    if (!spec) throw new UsageError(`unknown command "${first}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
    if (flags.db_create_only || flags.clean_db !== undefined) {
      throw new UsageError('--db_create_only and --clean_db are the original flags; do not combine them with a command');
    }
    return { spec, rest: positional.slice(1) };
  }
  if (flags.db_create_only && flags.clean_db !== undefined) throw new UsageError('--db_create_only and --clean_db exclude each other');
  if (flags.db_create_only) return { spec: byName('populate')!, rest: [] };
  if (flags.clean_db !== undefined) {
    if (typeof flags.clean_db !== 'string' || flags.clean_db === '') throw new UsageError('--clean_db needs a prefix ID');
    return { spec: byName('clean')!, rest: [flags.clean_db] };
  }
  return { spec: byName('run')!, rest: [] };
}

/** Flag names the user actually typed (minimist reports every declared boolean as false). */
function givenFlags(argv: string[]): Set<string> {
  const given = new Set<string>();
  for (const a of argv) {
    const m = /^--?(?:no-)?([^=]+)/.exec(a);
    if (m && a !== '--') given.add(norm(m[1]));
  }
  return given;
}

function buildContext(spec: CommandSpec, rest: string[], parsed: minimist.ParsedArgs, given: Set<string>): CommandContext {
  const own = new Map<string, FlagSpec>();
  for (const f of [...GLOBAL_FLAGS, ...spec.flags]) own.set(f.name, f);
  const aliases = new Set(allFlags().map((f) => f.alias).filter(Boolean));
  const flags: CommandContext['flags'] = {};
  const overrides: Record<string, string | number | boolean> = {};
  for (const [rawKey, value] of Object.entries(parsed)) {
    const key = norm(rawKey);
    if (rawKey === '_' || aliases.has(rawKey) || !given.has(key)) continue;
    const f = own.get(key);
    if (f) {
      flags[key] = f.type === 'strings' ? ([] as string[]).concat(value as string | string[]) : (Array.isArray(value) ? value[value.length - 1] : value);
      continue;
    }
    const opt = findOption(key);
    if (!opt) {
      if (allFlags().some((g) => g.name === key)) throw new UsageError(`--${rawKey} does not apply to "${spec.name}" (see stresshm ${spec.name} --help)`);
      throw new UsageError(`unknown option --${rawKey} (see stresshm --help)`);
    }
    overrides[key] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  const configFiles = (flags.config_file as string[] | undefined) ?? [];
  let cached: Config | undefined;
  return {
    positional: rest,
    flags,
    configFiles,
    overrides,
    config: () => (cached ??= loadConfig(configFiles, overrides)),
    yes: flags.yes === true,
    out: process.stdout,
    err: process.stderr,
  };
}

export function helpText(spec?: CommandSpec): string {
  const fmt = (f: FlagSpec) => `  --${LEGACY_FLAGS.has(f.name) ? f.name : f.name.replace(/_/g, '-')}${f.type === 'boolean' ? '' : ' VALUE'}${f.alias ? `, -${f.alias}` : ''}\n      ${f.help}`;
  if (spec) {
    return [`usage: ${spec.usage}`, '', spec.description ?? spec.summary, '',
      'Flags:', ...spec.flags.map(fmt), ...GLOBAL_FLAGS.slice(0, 3).map(fmt), '',
      'Any configuration option may also be given as a flag, e.g. --load_balancers 100 (see stresshm --help).', ''].join('\n');
  }
  const opts = OPTIONS.map((o) => `  --${o.name} VALUE   [${o.section}]${o.default !== undefined ? ` default ${o.default}` : ''}\n      ${o.help}`);
  return [
    'stresshm: stress and capacity tool for the OpenStack Octavia health manager.',
    '',
    'usage: stresshm --config-file stresshm.conf [--db_create_only | --clean_db PREFIX]   (the original flags)',
    '       stresshm [--config-file F ...] COMMAND [flags] [--option value ...]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(14)}${c.summary}`),
    '',
    'Global flags:',
    ...GLOBAL_FLAGS.map(fmt),
    '',
    'Configuration options (INI file sections, or flags that override the files):',
    ...opts,
    '',
    'Exit status: 0 success / verdict met, 1 SLA failed, 2 usage or configuration error,',
    '3 environment error (database or endpoints unusable), 130 interrupted.',
    '',
  ].join('\n');
}

export async function runCli(argv: string[]): Promise<number> {
  const parsed = minimist(argv, minimistOpts());
  const positional = parsed._.map(String);
  if (parsed.help && positional.length === 0) {
    process.stdout.write(helpText());
    return 0;
  }
  const { spec, rest } = pickCommand(positional, parsed);
  if (parsed.help) {
    process.stdout.write(helpText(spec));
    return 0;
  }
  const given = givenFlags(argv);
  for (const f of allFlags()) if (f.alias && given.has(f.alias)) given.add(f.name);
  const ctx = buildContext(spec, rest, parsed, given);
  installSignalHandlers();
  return spec.run(ctx);
}

export function cliMain(argv: string[]): void {
  runCli(argv).then(
    (code) => { process.exitCode = code; },
    (err) => {
      const code = exitCodeOf(err);
      process.stderr.write(`stresshm: error: ${oneLine(err)}\n`);
      if (code === 1 && process.env.STRESSHM_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
      // An unexpected failure is an environment problem, never "SLA failed" (1).
      process.exitCode = code === 1 ? EXIT_ENV : code;
    },
  );
}
