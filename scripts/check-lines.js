#!/usr/bin/env node
// Size limits the formatter cannot enforce. Lines of the TypeScript sources, tests and benchmarks
// are at most 120 characters (the formatter wraps code; this catches the long strings and comments
// it cannot wrap), and no source file (.ts, .cc, .h in src/, test/, bench/, fixtures/, native/) is over 350
// lines: a longer file holds more than one idea and is split by topic.
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');

const MAX_COLUMNS = 120;
const MAX_LINES = 350;
const files = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', 'src', 'test', 'bench', 'fixtures', 'native'],
  { encoding: 'utf8' },
)
  .split('\n')
  .filter((f) => /\.(ts|cc|h)$/.test(f));
const problems = [];
for (const f of files) {
  let text;
  try {
    text = readFileSync(f, 'utf8');
  } catch {
    continue; // listed by git but deleted in the working tree
  }
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  if (lines.length > MAX_LINES) problems.push(`${f}: ${lines.length} lines (at most ${MAX_LINES})`);
  if (!f.endsWith('.ts')) continue;
  lines.forEach((line, i) => {
    if (line.length > MAX_COLUMNS) problems.push(`${f}:${i + 1}: ${line.length} characters (at most ${MAX_COLUMNS})`);
  });
}
for (const p of problems) console.error(p);
if (problems.length) {
  console.error(`${problems.length} size problems`);
  process.exit(1);
}
