// The contract between the CLI and each subcommand: declared flags (typed, with one default
// and help each), positional arguments, help text and a run function that receives the
// parsed, typed arguments and returns the process exit status.

import type { Config, Overrides } from '../config/config';
import type { ValueSpec } from '../config/values';
import type { SummaryIo } from '../terminal/summary';

export type FlagType = 'bool' | 'string' | 'strings' | 'int' | 'float';

export interface FlagSpec extends ValueSpec {
  /** With underscores; --name_with_underscores and --name-with-dashes both work. */
  readonly name: string;
  /** bool switch, string value, strings repeatable value, int/float number within [min, max]. */
  readonly type: FlagType;
  readonly help: string;
  /** One-letter short form (-y). */
  readonly alias?: string;
  /** The one default: applied when the flag is absent and shown by --help (a switch: off). */
  readonly default?: string | number | boolean;
  /** --help text for a default computed at run time (the code then passes a fallback). */
  readonly defaultText?: string;
}

export type FlagValue = string | string[] | number | boolean;

export interface CommandContext {
  /** Positional arguments after the command name. */
  positional: string[];
  /** Command flags (declared in the spec), typed, defaults applied, by name with underscores. */
  flags: Record<string, FlagValue | undefined>;
  configFiles: string[];
  /** Option overrides from the command line (--load_balancers 5 ...), validated and typed. */
  overrides: Overrides;
  /** Loads and validates the configuration (lazily, so `help` works without it). */
  config(): Config;
  /** --yes was given: do not ask for confirmation. */
  yes: boolean;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  description?: string;
  flags: FlagSpec[];
  /** Names of the positional arguments the command requires (none when absent). */
  args?: string[];
  run(ctx: CommandContext): Promise<number>;
}

export function flagString(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.flags[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === 'string' ? v : undefined;
}

/** A string flag that has a default, so always a value. */
export function flagText(ctx: CommandContext, name: string): string {
  const v = flagString(ctx, name);
  if (v === undefined) throw new Error(`flag --${name} has no value and no default`);
  return v;
}

export function flagStrings(ctx: CommandContext, name: string): string[] {
  const v = ctx.flags[name];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v : [];
}

/**
 * A numeric flag, already checked against its type and range by the parser. `fallback` is
 * for a default computed at run time; a flag with neither value nor default is a bug.
 */
export function flagNumber(ctx: CommandContext, name: string, fallback?: number): number {
  const v = ctx.flags[name] ?? fallback;
  if (typeof v !== 'number') throw new Error(`flag --${name} has no number and no default`);
  return v;
}

export function flagBool(ctx: CommandContext, name: string): boolean {
  return ctx.flags[name] === true;
}

/** Where a run's summary goes, from the global --quiet and --color. */
export function summaryIo(ctx: CommandContext): SummaryIo {
  return { out: ctx.out, err: ctx.err, quiet: flagBool(ctx, 'quiet'), colour: ctx.flags.color !== false };
}
