// The command line as a user types it: help, the original flags, unknown commands and
// options, and the exit status of each (run as a real subprocess).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', '..', 'bin', 'stresshm.js');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

test('--help explains the original flags, the commands and every option', () => {
  const r = cli('--help');
  assert.equal(r.status, 0);
  for (const s of ['--db_create_only', '--clean_db', 'populate', 'clean', 'list', 'run', 'blast', 'capacity', '--load_balancers', '--heartbeat_key', 'Exit status']) {
    assert.ok(r.out.includes(s), s);
  }
});

test('an unknown command or option is one line and exit 2', () => {
  for (const args of [['frobnicate'], ['list', '--frobnicate', '1'], ['--db_create_only', '--clean_db', 'x']]) {
    const r = cli(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, /^stresshm: error: /);
  }
});

test('an out-of-range option given as a flag is refused before any work', () => {
  const r = cli('populate', '--members', '70000', '--octavia_db_connection', 'mysql://root@127.0.0.1:1/x');
  assert.equal(r.status, 2);
  assert.match(r.err, /members .*above the maximum 65535/);
});

test('sample-config prints a parseable configuration', () => {
  const r = cli('sample-config');
  assert.equal(r.status, 0);
  assert.match(r.out, /^\[test_params\]$/m);
  assert.match(r.out, /^#load_balancers = 10$/m);
});
