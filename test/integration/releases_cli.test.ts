// --octavia SUITE when its root cannot be built: as a user other than root, one line naming
// the command and exit 3, nothing made; a suite debootstrap does not know fails in one line,
// exit 3, and leaves nothing in the cache (the real debootstrap, a private cache directory).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const BIN = join(__dirname, '..', '..', '..', 'bin', 'stresshm.js');

function cache(): string {
  const d = mkdtempSync(join(tmpdir(), 'stresshm-rootcache-'));
  chmodSync(d, 0o777);
  return d;
}

const asRoot = process.getuid?.() === 0;

test('not root: building a root is one line naming the command, exit 3, nothing made', {
  skip: !asRoot && 'needs root',
}, () => {
  const d = cache();
  try {
    const asNobody = ['-u', 'nobody', '--', 'env', `STRESSHM_ROOTS_DIR=${join(d, 'roots')}`];
    const r = spawnSync('runuser', [...asNobody, process.execPath, BIN, 'sandbox', '--octavia', 'trixie'], {
      encoding: 'utf8',
      timeout: 30000,
    });
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.deepEqual(r.stderr.trim().split('\n'), [
      'stresshm: error: building the Debian trixie root for Octavia needs root; ' +
        'run as root: node bin/stresshm.js sandbox --octavia trixie',
    ]);
    assert.ok(!existsSync(join(d, 'roots')), 'no cache directory made');
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('a suite debootstrap does not know: one line, exit 3, nothing left in the cache', {
  skip: !asRoot && 'needs root',
}, () => {
  const d = cache();
  try {
    const r = spawnSync(process.execPath, [BIN, 'sandbox', '--octavia', 'nosuchsuite'], {
      encoding: 'utf8',
      timeout: 120000,
      env: { ...process.env, STRESSHM_ROOTS_DIR: d },
    });
    assert.equal(r.status, 3, r.stdout + r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^stresshm: error: debootstrap of nosuchsuite failed \(E: .*\); log /);
    assert.deepEqual(
      readdirSync(d).filter((f) => !f.endsWith('.log')),
      [],
      'no root, no temporary build, no lock',
    );
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
