// Command-line parsing, configured from one table of every flag and option: which names
// take a value, which are switches, their short aliases. A first pass puts every flag in
// the canonical form --name=value (so booleans take yes/no words, negative numbers stay
// values, dash and underscore spellings are one flag); minimist then splits the arguments.

import minimist from 'minimist';
import { parseBool, type ValueSpec } from '../config/values';
import { UsageError } from '../errors';

export interface FlagEntry extends ValueSpec {
  /** Canonical name, with underscores. */
  readonly name: string;
  readonly alias?: string;
  /** A configuration option (its boolean takes any following word as its value). */
  readonly option?: boolean;
}

export interface FlagTable {
  byName: ReadonlyMap<string, FlagEntry>;
  byAlias: ReadonlyMap<string, FlagEntry>;
  /** Command names: a word after a switch that names a command is not the switch's value. */
  commands: ReadonlySet<string>;
}

export interface ParsedArgs {
  positional: string[];
  /** Raw values of each given flag, by canonical name, in the order given. */
  given: Map<string, string[]>;
}

/** Builds the table; a name declared as a switch in one place and a value in another is a bug. */
export function flagTable(entries: FlagEntry[], commands: string[]): FlagTable {
  const byName = new Map<string, FlagEntry>();
  const byAlias = new Map<string, FlagEntry>();
  for (const e of entries) {
    const seen = byName.get(e.name);
    if (seen && (seen.type === 'bool') !== (e.type === 'bool')) {
      throw new Error(`flag --${e.name} is declared both as a switch and with a value`);
    }
    if (!seen || !e.option) byName.set(e.name, e);
    if (e.alias) byAlias.set(e.alias, e);
  }
  return { byName, byAlias, commands: new Set(commands) };
}

const canonical = (name: string) => name.replace(/-/g, '_');
const isNumber = (s: string) => /^-\.?\d/.test(s);

function flagName(token: string): string {
  return token.replace(/=.*$/s, '');
}

/** --flag (no "=value"): the switch's value word, if the next argument is one. */
function switchValue(e: FlagEntry, next: string | undefined, t: FlagTable): string | undefined {
  if (next === undefined) return undefined;
  if (parseBool(next) !== undefined) return next;
  // An option switch names its value: a word that is no command is taken (and refused if not yes/no).
  if (e.option && !next.startsWith('-') && !t.commands.has(next)) return next;
  return undefined;
}

function longFlag(argv: string[], i: number, t: FlagTable, out: string[]): number {
  const token = argv[i];
  const eq = token.indexOf('=');
  const typed = eq < 0 ? token.slice(2) : token.slice(2, eq);
  let name = canonical(typed);
  const e = t.byName.get(name);
  if (!e && name.startsWith('no_') && eq < 0 && t.byName.get(name.slice(3))?.type === 'bool') {
    out.push(`--${name.slice(3)}=false`);
    return i;
  }
  if (!e) throw new UsageError(`unknown option --${typed} (see stresshm --help)`);
  name = e.name;
  if (eq >= 0) {
    out.push(`--${name}=${token.slice(eq + 1)}`);
    return i;
  }
  const next = argv[i + 1];
  if (e.type === 'bool') {
    const v = switchValue(e, next, t);
    out.push(`--${name}=${v ?? 'true'}`);
    return v === undefined ? i : i + 1;
  }
  if (next === undefined || (next.startsWith('-') && !isNumber(next))) {
    throw new UsageError(`--${typed} needs a value`);
  }
  out.push(`--${name}=${next}`);
  return i + 1;
}

function shortFlags(argv: string[], i: number, t: FlagTable, out: string[]): number {
  const letters = argv[i].slice(1);
  for (const [k, letter] of [...letters].entries()) {
    const e = t.byAlias.get(letter);
    if (!e) throw new UsageError(`unknown option -${letter} (see stresshm --help)`);
    if (e.type === 'bool') {
      out.push(`--${e.name}=true`);
      continue;
    }
    const rest = letters.slice(k + 1);
    const next = argv[i + 1];
    if (rest) out.push(`--${e.name}=${rest}`);
    else if (next !== undefined && (!next.startsWith('-') || isNumber(next))) out.push(`--${e.name}=${next}`);
    else throw new UsageError(`-${letter} needs a value`);
    return rest ? i : i + 1;
  }
  return i;
}

/** Rewrites argv so that every flag is --canonical_name=value; "--" ends the flags. */
export function normalizeArgv(argv: string[], t: FlagTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (a.startsWith('--')) i = longFlag(argv, i, t, out);
    else if (a.startsWith('-') && a.length > 1 && !isNumber(a)) i = shortFlags(argv, i, t, out);
    else out.push(a);
  }
  return out;
}

export function parseArgs(argv: string[], t: FlagTable): ParsedArgs {
  const names = [...t.byName.keys()];
  const parsed = minimist(normalizeArgv(argv, t), {
    string: ['_', ...names],
    boolean: [],
    '--': true,
    unknown: (arg) => {
      if (arg.startsWith('-')) throw new UsageError(`unknown option ${flagName(arg)} (see stresshm --help)`);
      return true;
    },
  });
  const given = new Map<string, string[]>();
  for (const name of names) {
    const v: unknown = parsed[name];
    if (v !== undefined) given.set(name, ([] as unknown[]).concat(v).map(String));
  }
  return { positional: [...parsed._, ...(parsed['--'] ?? [])].map(String), given };
}
