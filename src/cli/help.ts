// --help text, derived from the flag and option tables: each flag's type, range and default
// come from its one definition, so help cannot drift from what the parser accepts.

import { OPTIONS, type OptionDef } from '../config/options';
import { describeType } from '../config/values';
import type { CommandSpec, FlagSpec } from './command';

/** The original tool's flags keep their underscore spelling in --help. */
const LEGACY_FLAGS = new Set(['db_create_only', 'clean_db']);

function placeholder(type: string): string {
  if (type === 'bool') return '';
  return type === 'int' || type === 'float' ? ' N' : ' VALUE';
}

function defaultOf(f: { default?: string | number | boolean; defaultText?: string; type: string }): string {
  if (f.defaultText) return `, default ${f.defaultText}`;
  if (f.type === 'bool') return `, default ${f.default ? 'yes' : 'no'}`;
  return f.default === undefined ? '' : `, default ${f.default}`;
}

function formatFlag(f: FlagSpec): string {
  const name = LEGACY_FLAGS.has(f.name) ? f.name : f.name.replace(/_/g, '-');
  const short = f.alias ? `, -${f.alias}` : '';
  return `  --${name}${placeholder(f.type)}${short}   (${describeType(f)}${defaultOf(f)})\n      ${f.help}`;
}

function formatOption(o: OptionDef): string {
  const secret = o.secret ? ', secret' : '';
  const about = `${describeType(o)}${defaultOf(o)}${secret}`;
  return `  --${o.name}${placeholder(o.type)}   [${o.section}] (${about})\n      ${o.help}`;
}

const SPELLING =
  'Flags may be spelled with dashes or underscores (--ghost-busy, --ghost_busy); a yes/no flag\n' +
  'takes yes/no, true/false, on/off or 1/0 (--ghost_busy no, --ghost_busy=false, --no-ghost-busy).';

export function commandHelp(spec: CommandSpec, globalFlags: FlagSpec[]): string {
  return [
    `usage: ${spec.usage}`,
    '',
    spec.description ?? spec.summary,
    '',
    'Flags:',
    ...spec.flags.map(formatFlag),
    ...globalFlags.map(formatFlag),
    '',
    SPELLING,
    '',
    'Any configuration option may also be given as a flag, e.g. --load_balancers 100 (see stresshm --help).',
    '',
  ].join('\n');
}

export function mainHelp(commands: CommandSpec[], globalFlags: FlagSpec[]): string {
  return [
    'stresshm: stress and capacity tool for the OpenStack Octavia health manager.',
    '',
    'usage: stresshm --config-file stresshm.conf [--db_create_only | --clean_db PREFIX]   (the original flags)',
    '       stresshm [--config-file F ...] COMMAND [flags] [--option value ...]',
    '       stresshm help [COMMAND]   |   stresshm --version',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(14)}${c.summary}`),
    '',
    'Global flags:',
    ...globalFlags.map(formatFlag),
    '',
    'Configuration options (INI file sections, or flags that override the files):',
    ...OPTIONS.map(formatOption),
    '',
    SPELLING,
    '',
    'Exit status: 0 success / verdict met, 1 SLA failed or INCONCLUSIVE (stresshm could not send the load),',
    '2 usage or configuration error, 3 environment error (database or endpoints unusable), 130 interrupted.',
    '',
  ].join('\n');
}
