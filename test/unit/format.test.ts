// Table output formats (-f, -c) as the openstack CLI prints them, and the Grafana dashboard's
// metrics: each format read back by an independent reader gives the same rows; unknown formats
// and columns are usage errors; the dashboard queries only served metrics.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatTable, parseFormat, selectColumns, type Table } from '../../src/cli/format';
import { UsageError } from '../../src/errors';
import { MetricsState } from '../../src/metrics/prometheus';

const T: Table = {
  columns: ['Prefix', 'Load balancers', 'Created (UTC)'],
  rows: [
    ['ab-1', 4, '2026-12-02 10:00:00'],
    ['x,"y"', 12, null],
    ['yes', 0, 'a: b'],
  ],
};

/** RFC 4180 reader (quoted fields, doubled quotes). */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') {
        f += '"';
        i++;
      } else if (ch === '"') q = false;
      else f += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      row.push(f);
      f = '';
    } else if (ch === '\n') {
      row.push(f);
      rows.push(row);
      row = [];
      f = '';
    } else f += ch;
  }
  assert.equal(f, '', 'csv ends with a newline');
  return rows;
}

/** Reader for the flat YAML list of mappings `- k: v` / `  k: v` (plain or JSON-quoted scalars). */
function readYaml(text: string): Array<Record<string, unknown>> {
  if (text === '[]\n') return [];
  const out: Array<Record<string, unknown>> = [];
  const scalar = (s: string): unknown => {
    if (s.startsWith('"')) return JSON.parse(s);
    if (s === 'null') return null;
    if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
    assert.doesNotMatch(s, /^(true|false|yes|no|on|off)$/i, `ambiguous plain scalar ${s}`);
    return s;
  };
  for (const line of text.split('\n').slice(0, -1)) {
    const m = /^([- ]) ("(?:[^"\\]|\\.)*"|[^:"]+): (.*)$/.exec(line);
    assert.ok(m, `bad yaml line: ${line}`);
    if (m[1] === '-') out.push({});
    out[out.length - 1][scalar(m[2]) as string] = scalar(m[3]);
  }
  return out;
}

const objects = (t: Table) => t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]])));

test('json and yaml read back as the same objects; csv as the same cells; value has no header', () => {
  assert.deepEqual(JSON.parse(formatTable(T, 'json')), objects(T));
  assert.deepEqual(readYaml(formatTable(T, 'yaml')), objects(T));
  assert.deepEqual(readCsv(formatTable(T, 'csv')), [
    T.columns,
    ...T.rows.map((r) => r.map((c) => (c === null ? '' : String(c)))),
  ]);
  assert.equal(
    formatTable(
      {
        columns: ['A', 'B'],
        rows: [
          ['p', 1],
          ['q', 2],
        ],
      },
      'value',
    ),
    'p 1\nq 2\n',
  );
  assert.equal(formatTable({ columns: ['A'], rows: [] }, 'yaml'), '[]\n');
  assert.equal(formatTable({ columns: ['A'], rows: [] }, 'json'), '[]\n');
});

test('table aligns columns (numbers to the right) under a header', () => {
  const lines = formatTable(T, 'table').split('\n');
  assert.equal(lines[0], 'Prefix  Load balancers  Created (UTC)');
  assert.equal(lines[1], 'ab-1                 4  2026-12-02 10:00:00');
  assert.equal(lines[2], 'x,"y"               12');
});

test('-c chooses and orders columns, case-insensitively; unknown columns and formats are usage errors', () => {
  const t = selectColumns(T, ['created (utc)', 'Prefix']);
  assert.deepEqual(t.columns, ['Created (UTC)', 'Prefix']);
  assert.deepEqual(t.rows[0], ['2026-12-02 10:00:00', 'ab-1']);
  assert.throws(
    () => selectColumns(T, ['Nope']),
    (e) => e instanceof UsageError && /no such column/.test(e.message),
  );
  assert.throws(() => parseFormat('xml'), UsageError);
  assert.equal(parseFormat('JSON'), 'json');
});

test('the Grafana dashboard queries only metrics the exporter serves', () => {
  const dash = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'grafana', 'stresshm.json'), 'utf8'));
  const served = new Set([...new MetricsState().render().matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]));
  const used = (dash.panels as Array<{ targets: Array<{ expr: string }> }>).flatMap((p) =>
    p.targets.flatMap((t) => t.expr.match(/stresshm_[a-z_]+/g) ?? []),
  );
  assert.ok(used.length >= 5);
  for (const m of used) assert.ok(served.has(m), `${m} is not served`);
});
