// Output formats of commands that print a table, after the openstack CLI (cliff):
// -f table|json|yaml|csv|value and -c COLUMN (repeatable) to choose and order columns.

import { UsageError } from '../errors';
import type { FlagSpec } from './command';

export const FORMATS = ['table', 'json', 'yaml', 'csv', 'value'] as const;
export type Format = (typeof FORMATS)[number];

export type Cell = string | number | null;

export interface Table {
  columns: string[];
  rows: Cell[][];
}

/** The two flags every table-printing command declares. */
export const FORMAT_FLAGS: FlagSpec[] = [
  {
    name: 'format',
    type: 'string',
    alias: 'f',
    default: 'table',
    help: `Output format: ${FORMATS.join(', ')} (as the openstack CLI).`,
  },
  { name: 'column', type: 'strings', alias: 'c', help: 'Show only this column (repeatable, in the order given).' },
];

export function parseFormat(text: string): Format {
  const f = FORMATS.find((x) => x === text.toLowerCase());
  if (!f) throw new UsageError(`-f ${text}: not one of ${FORMATS.join(', ')}`);
  return f;
}

/** The chosen columns, in the order asked (case-insensitive names); all of them when none is asked. */
export function selectColumns(t: Table, wanted: string[]): Table {
  if (wanted.length === 0) return t;
  const idx = wanted.map((w) => {
    const i = t.columns.findIndex((c) => c.toLowerCase() === w.toLowerCase());
    if (i < 0) throw new UsageError(`-c ${w}: no such column (columns: ${t.columns.join(', ')})`);
    return i;
  });
  return { columns: idx.map((i) => t.columns[i]), rows: t.rows.map((r) => idx.map((i) => r[i])) };
}

const text = (c: Cell) => (c === null ? '' : String(c));

function asTable(t: Table): string {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => text(r[i]).length)));
  const line = (cells: string[], numeric: boolean[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const numeric = t.columns.map((_, i) => t.rows.length > 0 && t.rows.every((r) => typeof r[i] === 'number'));
  return [line(t.columns, numeric), ...t.rows.map((r) => line(r.map(text), numeric))].map((l) => `${l}\n`).join('');
}

function asObjects(t: Table): Array<Record<string, Cell>> {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]])));
}

/** A YAML scalar: plain when it cannot be mistaken for another type or syntax, else a JSON string. */
function yamlScalar(c: Cell): string {
  if (c === null) return 'null';
  if (typeof c === 'number') return String(c);
  const plain =
    /^[A-Za-z_][\w .\-/:]*$/.test(c) && !/: |:$| $/.test(c) && !/^(true|false|yes|no|on|off|null|~|y|n)$/i.test(c);
  return plain ? c : JSON.stringify(c);
}

function asYaml(t: Table): string {
  if (t.rows.length === 0) return '[]\n';
  return t.rows
    .map((r) => t.columns.map((c, i) => `${i === 0 ? '-' : ' '} ${yamlScalar(c)}: ${yamlScalar(r[i])}\n`).join(''))
    .join('');
}

function csvField(c: Cell): string {
  const s = text(c);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function asCsv(t: Table): string {
  return [t.columns, ...t.rows].map((r) => `${r.map(csvField).join(',')}\n`).join('');
}

export function formatTable(t: Table, format: Format): string {
  switch (format) {
    case 'table':
      return asTable(t);
    case 'json':
      return `${JSON.stringify(asObjects(t), null, 2)}\n`;
    case 'yaml':
      return asYaml(t);
    case 'csv':
      return asCsv(t);
    case 'value':
      return t.rows.map((r) => `${r.map(text).join(' ')}\n`).join('');
  }
}
