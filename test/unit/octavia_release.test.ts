// Which Octavia: the --octavia choice, the host mirror read from apt sources (both formats),
// the root cache (partial roots rebuilt, failed builds leave nothing, two processes building
// the same root at once build it once), the dpkg version, and the directory lock.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { UsageError } from '../../src/errors';
import { withDirLock } from '../../src/octavia/dirlock';
import { hostAptSources, parseDeb822Sources, parseOneLineSources, pickMirror } from '../../src/octavia/mirror';
import { parseOctaviaChoice } from '../../src/octavia/release';
import { ensureRoot, MARKER, packageVersion, type RootBuilder, rootState } from '../../src/octavia/roots';

const run = promisify(execFile);

test('--octavia: installed, a suite name, a path', () => {
  assert.deepEqual(parseOctaviaChoice(undefined), { kind: 'installed' });
  assert.deepEqual(parseOctaviaChoice('installed'), { kind: 'installed' });
  assert.deepEqual(parseOctaviaChoice('sid'), { kind: 'suite', suite: 'sid' });
  assert.deepEqual(parseOctaviaChoice('trixie'), { kind: 'suite', suite: 'trixie' });
  assert.deepEqual(parseOctaviaChoice('/src/octavia'), { kind: 'source', path: '/src/octavia' });
  assert.deepEqual(parseOctaviaChoice('./octavia'), { kind: 'source', path: resolve('octavia') });
  assert.throws(() => parseOctaviaChoice('Sid!'), UsageError);
});

const deb822 = `Types: deb
# a comment
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
`;

test('the host mirror: the deb entry of the host release, in deb822 and one-line sources', () => {
  const s = parseDeb822Sources(deb822);
  assert.equal(s.length, 2);
  assert.equal(pickMirror(s, 'bookworm'), 'http://mirror.example/debian');
  const sec = parseDeb822Sources('Types: deb\nURIs: http://sec.example/\nSuites: bookworm-security\n');
  assert.equal(pickMirror(sec, 'bookworm'), undefined, 'a security-only source is no mirror');
  const disabled = parseDeb822Sources('Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nEnabled: no\n');
  assert.equal(pickMirror(disabled, 'bookworm'), undefined);
  const one = parseOneLineSources(
    '# deb http://old.example/debian bookworm main\n' +
      'deb-src http://src.example/debian bookworm main\n' +
      'deb [arch=amd64 signed-by=/k.gpg] http://one.example/debian/ bookworm main\n',
  );
  assert.equal(pickMirror(one, 'bookworm'), 'http://one.example/debian');
  assert.equal(pickMirror(one, 'trixie'), undefined);
});

test('hostAptSources reads sources.list and *.list / *.sources of sources.list.d, nothing else', () => {
  const etc = mkdtempSync(join(tmpdir(), 'stresshm-apt-'));
  try {
    mkdirSync(join(etc, 'sources.list.d'));
    const d = join(etc, 'sources.list.d');
    writeFileSync(join(d, 'a.sources.disabled'), 'Types: deb\nURIs: http://no.example/debian\nSuites: bookworm\n');
    writeFileSync(join(d, 'b.sources'), 'Types: deb\nURIs: http://b.example/debian\nSuites: bookworm\n');
    writeFileSync(join(etc, 'sources.list.d', 'c.list'), 'deb http://c.example/debian bookworm main\n');
    assert.deepEqual(
      hostAptSources(etc).map((s) => s.uris[0]),
      ['http://b.example/debian', 'http://c.example/debian'],
    );
    writeFileSync(join(etc, 'sources.list'), 'deb http://main.example/debian bookworm main\n');
    assert.equal(pickMirror(hostAptSources(etc), 'bookworm'), 'http://main.example/debian');
  } finally {
    rmSync(etc, { recursive: true, force: true });
  }
});

/** A cache in a temp dir and a builder that lays out just what the cache checks. */
function withCache(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stresshm-roots-'));
  const prev = process.env.STRESSHM_ROOTS_DIR;
  process.env.STRESSHM_ROOTS_DIR = dir;
  return fn(dir).finally(() => {
    if (prev === undefined) delete process.env.STRESSHM_ROOTS_DIR;
    else process.env.STRESSHM_ROOTS_DIR = prev;
    rmSync(dir, { recursive: true, force: true });
  });
}

const fakeBuild =
  (calls: string[]): RootBuilder =>
  (suite, tmp) => {
    calls.push(suite);
    mkdirSync(join(tmp, 'usr/bin'), { recursive: true });
    writeFileSync(join(tmp, 'usr/bin/octavia-health-manager'), '');
  };

test('root cache: built once, reused, a partial root (no mark, or no HM) rebuilt', () =>
  withCache(async (dir) => {
    const calls: string[] = [];
    const root = await ensureRoot('sid', { builder: fakeBuild(calls) });
    assert.equal(root, join(dir, 'sid'));
    assert.equal(rootState(root), 'ready');
    assert.ok(existsSync(join(root, MARKER)));
    await ensureRoot('sid', { builder: fakeBuild(calls) });
    assert.deepEqual(calls, ['sid'], 'a ready root is reused');
    rmSync(join(root, MARKER));
    assert.equal(rootState(root), 'partial');
    const said: string[] = [];
    await ensureRoot('sid', { builder: fakeBuild(calls), say: (s) => said.push(s) });
    assert.deepEqual(calls, ['sid', 'sid'], 'a root without its mark is rebuilt');
    assert.match(said.join(''), /incomplete/);
    rmSync(join(root, 'usr/bin/octavia-health-manager'));
    await ensureRoot('sid', { builder: fakeBuild(calls) });
    assert.equal(calls.length, 3, 'a root without the HM is rebuilt');
    assert.deepEqual(readdirSync(dir), ['sid'], 'nothing else is left in the cache');
  }));

test('root cache: a failed build leaves no root and no temporary directory', () =>
  withCache(async (dir) => {
    const failing: RootBuilder = (_suite, tmp) => {
      mkdirSync(join(tmp, 'etc'), { recursive: true });
      throw new Error('mirror down');
    };
    await assert.rejects(ensureRoot('trixie', { builder: failing }), /mirror down/);
    assert.equal(rootState(join(dir, 'trixie')), 'absent');
    assert.deepEqual(readdirSync(dir), []);
    const noHm: RootBuilder = (_suite, tmp) => {
      mkdirSync(join(tmp, 'etc'), { recursive: true });
    };
    await assert.rejects(ensureRoot('trixie', { builder: noHm }), /no \/usr\/bin\/octavia-health-manager/);
    assert.deepEqual(readdirSync(dir), []);
  }));

test('root cache: two processes building the same root at once build it once', () =>
  withCache(async (dir) => {
    const log = join(dir, 'builds.log');
    const script = `
    const { ensureRoot } = require(${JSON.stringify(join(__dirname, '../../src/octavia/roots.js'))});
    const fs = require('fs'); const path = require('path'); const cp = require('child_process');
    ensureRoot('sid', { builder: (suite, tmp) => {
      fs.appendFileSync(${JSON.stringify(log)}, process.pid + '\\n');
      fs.mkdirSync(path.join(tmp, 'usr/bin'), { recursive: true });
      cp.spawnSync('sleep', ['1']);
      fs.writeFileSync(path.join(tmp, 'usr/bin/octavia-health-manager'), '');
    } }).then((r) => console.log(r));`;
    const env = { ...process.env, STRESSHM_ROOTS_DIR: dir };
    const outs = await Promise.all([1, 2].map(() => run(process.execPath, ['-e', script], { env })));
    assert.deepEqual(
      outs.map((o) => o.stdout.trim()),
      [join(dir, 'sid'), join(dir, 'sid')],
    );
    assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 1, 'one build');
    assert.equal(rootState(join(dir, 'sid')), 'ready');
  }));

test('dpkg version of a package in a root', () => {
  const root = mkdtempSync(join(tmpdir(), 'stresshm-dpkg-'));
  try {
    mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
    writeFileSync(
      join(root, 'var/lib/dpkg/status'),
      [
        'Package: python3-octavia-lib\nStatus: install ok installed\nVersion: 3.0.0-1',
        'Package: python3-octavia\nStatus: install ok installed\nVersion: 19.0.0-10',
        'Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n',
      ].join('\n\n'),
    );
    assert.equal(packageVersion(root, 'python3-octavia'), '19.0.0-10');
    assert.equal(packageVersion(root, 'gone'), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('directory lock: a lock of a dead process is taken over; a live one waits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stresshm-lock-'));
  try {
    const lock = join(dir, 'l.lock');
    mkdirSync(lock);
    const dead = await run(process.execPath, ['-e', 'console.log(process.pid)']);
    writeFileSync(join(lock, 'pid'), dead.stdout.trim());
    assert.equal(await withDirLock(lock, () => 7, 5000, 'test'), 7);
    assert.ok(!existsSync(lock), 'released');
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid));
    await assert.rejects(
      withDirLock(lock, () => 1, 500, 'test'),
      /held by pid/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
