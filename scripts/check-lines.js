#!/usr/bin/env node
// Lines of the TypeScript sources, tests and benchmarks are at most 120 characters (the
// formatter wraps code; this catches the long strings and comments it cannot wrap).
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');

const MAX = 120;
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'src', 'test', 'bench'], { encoding: 'utf8' })
  .split('\n').filter((f) => f.endsWith('.ts'));
const long = [];
for (const f of files) {
  readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
    if (line.length > MAX) long.push(`${f}:${i + 1}: ${line.length} characters`);
  });
}
for (const l of long) console.error(l);
if (long.length) {
  console.error(`${long.length} lines over ${MAX} characters`);
  process.exit(1);
}
