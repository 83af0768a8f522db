// The contract between the CLI and each subcommand: declared flags, help text and a run
// function that receives parsed arguments and returns the process exit status.

import { Config } from '../config/config';
import { UsageError } from '../errors';

export interface FlagSpec {
  name: string;
  /** 'boolean' switch, 'string' value, 'strings' repeatable value. */
  type: 'boolean' | 'string' | 'strings';
  help: string;
  alias?: string;
}

export interface CommandContext {
  /** Positional arguments after the command name. */
  positional: string[];
  /** Command flags (declared in the spec), by name with underscores. */
  flags: Record<string, string | string[] | boolean | undefined>;
  configFiles: string[];
  /** Option overrides from the command line (--load_balancers 5 ...). */
  overrides: Record<string, string | number | boolean>;
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
  run(ctx: CommandContext): Promise<number>;
}

export function flagString(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.flags[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === 'string' ? v : undefined;
}

export function flagStrings(ctx: CommandContext, name: string): string[] {
  const v = ctx.flags[name];
  if (v === undefined || typeof v === 'boolean') return [];
  return Array.isArray(v) ? v : [v];
}

/** A numeric flag within [min, max] (default `def`); outside it, a usage error naming the flag. */
export function flagNumber(ctx: CommandContext, name: string, def: number, min: number, max: number): number {
  const v = Number(flagString(ctx, name) ?? def);
  if (!Number.isFinite(v) || v < min || v > max) throw new UsageError(`--${name.replace(/_/g, '-')} must be a number from ${min} to ${max}`);
  return v;
}

/** A whole-number flag within [min, max] (default `def`). */
export function flagInt(ctx: CommandContext, name: string, def: number, min: number, max: number): number {
  const v = Number(flagString(ctx, name) ?? def);
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name.replace(/_/g, '-')} must be a whole number from ${min} to ${max}`);
  return v;
}

export function flagBool(ctx: CommandContext, name: string): boolean {
  return ctx.flags[name] === true;
}
