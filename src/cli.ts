// Command-line entry: parses argv with the one flag table (global flags, command flags and
// configuration options), maps the original tool's flags (--db_create_only, --clean_db)
// onto subcommands, runs one command and sets the exit status.

import type { CommandContext, CommandSpec, FlagSpec, FlagValue } from './cli/command';
import { COMMANDS } from './cli/commands';
import { commandHelp, mainHelp } from './cli/help';
import { type FlagTable, flagTable, parseArgs } from './cli/parse';
import { type Config, convert, loadConfig, type Overrides } from './config/config';
import { findOption, OPTIONS } from './config/options';
import { convertValue } from './config/values';
import { EXIT_ENV, exitCodeOf, oneLine, UsageError } from './errors';
import { installSignalHandlers } from './lifecycle/interrupt';
import { toolVersion } from './version';

const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'config_file', type: 'strings', help: 'INI file to read; repeat to layer files (later ones win).' },
  {
    name: 'yes',
    type: 'bool',
    alias: 'y',
    help: 'Do not ask for confirmation (needed without a terminal when the database holds real load balancers).',
  },
  {
    name: 'help',
    type: 'bool',
    alias: 'h',
    help: 'Show help (for a command: stresshm COMMAND --help, or stresshm help COMMAND).',
  },
  { name: 'version', type: 'bool', help: 'Print the version and exit.' },
  { name: 'quiet', type: 'bool', alias: 'q', help: 'Print only the verdict and errors.' },
  { name: 'verbose', type: 'bool', alias: 'v', help: 'Print every phase as it begins, and details.' },
  {
    name: 'color',
    type: 'bool',
    default: true,
    help: 'Colour on a terminal (--no-color, or the NO_COLOR environment variable, turns it off).',
  },
  { name: 'db_create_only', type: 'bool', help: 'Original flag: populate ghosts and exit (same as `populate`).' },
  { name: 'clean_db', type: 'string', help: 'Original flag: remove the ghosts of PREFIX (same as `clean PREFIX`).' },
];

/** Global flags a command's --help repeats (the original flags are only in the main help). */
const COMMAND_GLOBALS = GLOBAL_FLAGS.filter((f) =>
  ['config_file', 'yes', 'help', 'quiet', 'verbose', 'color'].includes(f.name),
);

export function cliFlagTable(): FlagTable {
  const flags = [...GLOBAL_FLAGS, ...COMMANDS.flatMap((c) => c.flags)];
  return flagTable(
    [...flags, ...OPTIONS.map((o) => ({ ...o, option: true }))],
    COMMANDS.map((c) => c.name),
  );
}

/** A flag's typed value: the last one given, or all of them for a repeatable flag. */
function convertFlag(f: FlagSpec, raw: string[]): FlagValue {
  if (f.type === 'strings') return raw;
  return convertValue(f, raw[raw.length - 1], `--${f.name.replace(/_/g, '-')}`) as FlagValue;
}

function typedFlags(specs: FlagSpec[], given: Map<string, string[]>): Record<string, FlagValue | undefined> {
  const out: Record<string, FlagValue | undefined> = {};
  for (const f of specs) {
    const raw = given.get(f.name);
    out[f.name] = raw ? convertFlag(f, raw) : (f.default ?? (f.type === 'bool' ? false : undefined));
  }
  return out;
}

type Globals = Record<string, FlagValue | undefined>;

function pickCommand(positional: string[], g: Globals): { spec: CommandSpec; rest: string[] } {
  const byName = (n: string) => COMMANDS.find((c) => c.name === n);
  const first = positional[0];
  if (first !== undefined) {
    const spec = byName(first);
    if (!spec) throw new UsageError(`unknown command "${first}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
    if (g.db_create_only || g.clean_db !== undefined) {
      throw new UsageError(
        '--db_create_only and --clean_db are the original flags; ' + 'do not combine them with a command',
      );
    }
    return { spec, rest: positional.slice(1) };
  }
  if (g.db_create_only && g.clean_db !== undefined) {
    throw new UsageError('--db_create_only and --clean_db exclude each other');
  }
  if (g.db_create_only) return { spec: byName('populate')!, rest: [] };
  if (g.clean_db !== undefined) {
    if (g.clean_db === '') throw new UsageError('--clean_db needs a prefix ID');
    return { spec: byName('clean')!, rest: [String(g.clean_db)] };
  }
  return { spec: byName('run')!, rest: [] };
}

function checkArgs(spec: CommandSpec, rest: string[]): void {
  const want = spec.args ?? [];
  if (rest.length === want.length) return;
  const plural = want.length > 1 ? 's' : '';
  const takes = want.length ? `${want.length} argument${plural} (${want.join(' ')})` : 'no arguments';
  throw new UsageError(`${spec.name} takes ${takes}, ${rest.length} given (see stresshm ${spec.name} --help)`);
}

/** Option flags, validated now (so a bad value is refused before any work) and kept typed. */
function optionOverrides(spec: CommandSpec, given: Map<string, string[]>, own: Set<string>): Overrides {
  const overrides: Overrides = {};
  for (const [name, raw] of given) {
    if (own.has(name)) continue;
    const opt = findOption(name);
    if (!opt) throw new UsageError(`--${name} does not apply to "${spec.name}" (see stresshm ${spec.name} --help)`);
    const v = convert(opt, raw[raw.length - 1], 'command line');
    (overrides as Record<string, string | number | boolean>)[opt.name] = Array.isArray(v) ? v.join(',') : v;
  }
  return overrides;
}

function buildContext(spec: CommandSpec, rest: string[], given: Map<string, string[]>): CommandContext {
  checkArgs(spec, rest);
  const own = [...GLOBAL_FLAGS, ...spec.flags];
  const flags = typedFlags(own, given);
  const overrides = optionOverrides(spec, given, new Set(own.map((f) => f.name)));
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
  return spec ? commandHelp(spec, COMMAND_GLOBALS) : mainHelp(COMMANDS, GLOBAL_FLAGS);
}

/** Parses argv into the command to run and its typed context (no side effects). */
export interface ParsedCommandLine {
  spec?: CommandSpec;
  help: boolean;
  version?: boolean;
  ctx?: CommandContext;
}

/** `stresshm help [COMMAND]`: the help of that command, or the main help. */
function helpCommand(positional: string[]): ParsedCommandLine {
  if (positional.length > 2) throw new UsageError('help takes at most one COMMAND (stresshm help COMMAND)');
  if (positional.length === 1) return { help: true };
  const spec = COMMANDS.find((c) => c.name === positional[1]);
  if (!spec) {
    throw new UsageError(`unknown command "${positional[1]}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
  }
  return { spec, help: true };
}

export function parseCommandLine(argv: string[]): ParsedCommandLine {
  // No arguments at all: usage (with --config-file and no command, the original tool's stress run).
  if (argv.length === 0) return { help: true };
  const { positional, given } = parseArgs(argv, cliFlagTable());
  const g = typedFlags(GLOBAL_FLAGS, given);
  if (g.version) return { help: false, version: true };
  if (positional[0] === 'help') return helpCommand(positional);
  const original = g.db_create_only || g.clean_db !== undefined;
  if (g.help && positional.length === 0 && !original) return { help: true };
  const { spec, rest } = pickCommand(positional, g);
  if (g.help) return { spec, help: true };
  return { spec, help: false, ctx: buildContext(spec, rest, given) };
}

export async function runCli(argv: string[]): Promise<number> {
  const { spec, help, version, ctx } = parseCommandLine(argv);
  if (version) {
    process.stdout.write(`stresshm ${toolVersion()}\n`);
    return 0;
  }
  if (help || !spec || !ctx) {
    process.stdout.write(helpText(spec));
    return 0;
  }
  installSignalHandlers();
  return spec.run(ctx);
}

export function cliMain(argv: string[]): void {
  runCli(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      const code = exitCodeOf(err);
      process.stderr.write(`stresshm: error: ${oneLine(err)}\n`);
      if (code === 1 && process.env.STRESSHM_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
      // An unexpected failure is an environment problem, never "SLA failed" (1).
      process.exitCode = code === 1 ? EXIT_ENV : code;
    },
  );
}
