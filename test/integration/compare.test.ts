// `compare` with the same HM build twice (the installed package, and a copy of it laid out as
// a source checkout): every difference must fall within the noise the report states, both
// sandboxes must be gone afterwards; a path that is not a checkout is one line and exit 2.
// `compare installed sid` (Octavia 11 against 19 in its Debian root) finishes with a report
// naming both versions.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { optionArgs } from '../helpers/fixture';
import { releasesUnderTest } from '../helpers/releases';
import { scratchDir } from '../helpers/scratch';

const BIN = join(__dirname, '..', '..', '..', 'bin', 'stresshm.js');

function sandboxDatabases(): string[] {
  const r = spawnSync(
    'mariadb',
    ['-h127.0.0.1', '-uroot', '-N', '-e', "SHOW DATABASES LIKE 'stresshm\\_sandbox\\_%'"],
    { encoding: 'utf8' },
  );
  return r.stdout.split('\n').filter(Boolean);
}

/** Octavia processes whose command line names one of `dirs` (the sandboxes a run printed; in a root they see
 * the directory by another path, so its unique last part is matched). */
function octaviaProcesses(dirs: string[]): string[] {
  const r = spawnSync('pgrep', ['-af', 'octavia'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l && !l.includes('pgrep') && dirs.some((d) => l.includes(basename(d))));
}

/** The sandbox directories compare printed ("  BUILD: Octavia V (...), sandbox DIR, database DB"). */
function sandboxDirs(out: string): string[] {
  return [...out.matchAll(/, sandbox ([^\s,]+)/g)].map((m) => m[1]);
}

/** The sandbox databases compare printed: the only ones this test may assert on. */
function sandboxDbsOf(out: string): string[] {
  return [...out.matchAll(/, database (\S+)/g)].map((m) => m[1]);
}

function runCompare(
  a: string,
  b: string,
  json: string,
  html: string,
): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(
    process.execPath,
    [
      BIN,
      'compare',
      a,
      b,
      ...optionArgs({
        'fixed-secs': 8,
        'fixed-rate': 50,
        'start-rate': 25,
        factor: 2,
        'max-rate': 1200,
        'step-secs': 8,
        refine: 0,
        'report-json': json,
        'report-html': html,
      }),
    ],
    { encoding: 'utf8', timeout: 900000 },
  );
}

test('compare: the same build twice differs by no more than the stated noise', () => {
  const dir = scratchDir('stresshm-compare-');
  const checkout = join(dir, 'octavia-copy');
  mkdirSync(checkout);
  cpSync('/usr/lib/python3/dist-packages/octavia', join(checkout, 'octavia'), { recursive: true });
  const json = join(dir, 'cmp.json');
  const html = join(dir, 'cmp.html');
  const r = runCompare('installed', checkout, json, html);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(sandboxDirs(r.stdout).length, 2, r.stdout);
  const report = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(report.a.build, 'installed');
  assert.equal(report.b.build, checkout);
  assert.equal(report.rows.length, 3);
  for (const row of report.rows) {
    assert.ok(Number.isFinite(row.a) && Number.isFinite(row.b) && row.noisePct > 0, JSON.stringify(row));
    assert.ok(row.withinNoise, `outside the stated noise: ${JSON.stringify(row)}`);
    assert.ok(Math.abs(row.diffPct) <= row.noisePct, JSON.stringify(row));
  }
  for (const f of [report.a, report.b]) {
    assert.ok(f.knee.lastGood, `${f.build} sustained no step`);
    assert.ok(f.knee.firstBad, `${f.build} never broke below --max-rate`);
    assert.ok(
      f.cpuPer1000.every((c: number) => c > 0),
      'HM CPU was read from its processes',
    );
  }
  assert.match(r.stdout, /capacity knee \(heartbeats\/s\)/);
  assert.match(readFileSync(html, 'utf8'), /<svg/);
  const ours = sandboxDbsOf(r.stdout);
  assert.equal(ours.length, 2, r.stdout);
  assert.deepEqual(
    sandboxDatabases().filter((d) => ours.includes(d)),
    [],
    'both sandbox databases dropped',
  );
  assert.deepEqual(octaviaProcesses(sandboxDirs(r.stdout)), [], 'no HM left running');
});

test('compare installed sid: Octavia 11 against 19, both versions named, a report written', {
  skip: releasesUnderTest(['sid'])[0].skip,
}, () => {
  const dir = scratchDir('stresshm-compare-');
  const json = join(dir, 'cmp.json');
  const html = join(dir, 'cmp.html');
  const r = runCompare('installed', 'sid', json, html);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^A: Octavia 11\.\S+ \(installed, Debian \w+\)$/m);
  assert.match(r.stdout, /^B: Octavia \d+\.\d+\.\d+ \(Debian sid\)$/m);
  const report = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(report.b.build, 'sid');
  assert.match(report.b.version, /\(Debian sid\)/);
  for (const row of report.rows)
    assert.ok(Number.isFinite(row.a) && Number.isFinite(row.b) && row.noisePct > 0, JSON.stringify(row));
  for (const f of [report.a, report.b]) {
    assert.ok(f.knee.lastGood, `${f.build} sustained no step`);
    assert.ok(
      f.cpuPer1000.every((c: number) => c > 0),
      'HM CPU was read from its processes',
    );
  }
  assert.match(readFileSync(html, 'utf8'), /Debian sid/);
  assert.deepEqual(octaviaProcesses(sandboxDirs(r.stdout)), [], 'no HM left running');
  assert.ok(
    sandboxDirs(r.stdout).every((d) => !existsSync(d)),
    'sandbox files removed',
  );
});

test('compare: a path that is not an Octavia checkout is one line and exit 2, nothing started', () => {
  const empty = scratchDir('stresshm-notoctavia-');
  const r = spawnSync(process.execPath, [BIN, 'compare', 'installed', empty], { encoding: 'utf8', timeout: 30000 });
  assert.equal(r.status, 2, r.stdout + r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /is not an Octavia source checkout/);
  assert.equal(r.stdout, '');
});
