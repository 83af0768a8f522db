// The sandbox command end to end: two sandboxes side by side (one on the local MariaDB with two
// HMs, one on a private mariadbd); a short stress run against each keeps up; a crashed HM tears
// its sandbox down (exit 3); Ctrl-C tears the other down; afterwards no process of either is
// alive and their databases and files are gone. A taken port is one line and exit 2. Two
// sandboxes on the sid root share its /proc mount; the last one out unmounts it.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { procMounted } from '../../src/octavia/procmount';
import { releasesUnderTest } from '../helpers/releases';

const BIN = join(__dirname, '..', '..', '..', 'bin', 'stresshm.js');

interface Running {
  child: ChildProcess;
  out: string;
  err: string;
  exit: Promise<number | null>;
  dir: string;
  database: string;
  conf: string;
  logs: string[];
}

/** Starts `stresshm sandbox ...` and resolves once it printed that it is up. */
function startSandboxCli(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'sandbox', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const r = { child, out: '', err: '' } as Running;
  r.exit = new Promise((res) => child.on('close', res));
  child.stderr!.on('data', (d) => {
    r.err += d;
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      r.out += d;
      if (!r.out.includes('Press Ctrl-C')) return;
      r.dir = /Sandbox up in (\S+)/.exec(r.out)![1];
      r.database = /database (\S+)/.exec(r.out)![1];
      r.conf = /stresshm config (\S+)/.exec(r.out)![1];
      r.logs = /HM logs (.+)/.exec(r.out)![1].split(', ');
      resolve(r);
    });
    void r.exit.then((code) => reject(new Error(`sandbox exited early (${code}): ${r.out}${r.err}`)));
  });
}

function procTable(): Map<number, { ppid: number; cmd: string }> {
  const t = new Map<number, { ppid: number; cmd: string }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      t.set(Number(d), { ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), cmd });
    } catch {
      /* exited */
    }
  }
  return t;
}

function descendants(pid: number): Array<{ pid: number; cmd: string }> {
  const t = procTable();
  const out: Array<{ pid: number; cmd: string }> = [];
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop()!;
    for (const [c, v] of t)
      if (v.ppid === p) {
        out.push({ pid: c, cmd: v.cmd });
        todo.push(c);
      }
  }
  return out;
}

/** Running (a zombie waiting for its reaper has stopped running). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

function databaseExists(name: string): boolean {
  const r = spawnSync('mariadb', ['-h127.0.0.1', '-uroot', '-N', '-e', `SHOW DATABASES LIKE '${name}'`], {
    encoding: 'utf8',
  });
  return r.stdout.trim() === name;
}

function shortRun(sb: Running, lbs: number): { status: number | null; out: string } {
  const r = spawnSync(
    process.execPath,
    [
      BIN,
      '--config-file',
      sb.conf,
      'run',
      '--load_balancers',
      String(lbs),
      '--test_runtime_secs',
      '15',
      ...sb.logs.flatMap((l) => ['--hm-log', l]),
    ],
    { encoding: 'utf8', timeout: 180000 },
  );
  return { status: r.status, out: r.stdout + r.stderr };
}

test('two sandboxes side by side: runs keep up, a crash and Ctrl-C each leave nothing behind', async () => {
  const starting = [startSandboxCli(['--hms', '2']), startSandboxCli(['--hms', '1', '--private-db'])];
  const settled = await Promise.allSettled(starting);
  const up = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (up.length < 2) {
    for (const s of up) {
      s.child.kill('SIGINT');
      await s.exit;
    }
    assert.fail(settled.map((s) => (s.status === 'rejected' ? String(s.reason) : '')).join(' '));
  }
  const [a, b] = up;
  try {
    assert.notEqual(a.dir, b.dir);
    assert.match(b.out, /on a private mariadbd \(127\.0\.0\.1:\d+\)/);
    assert.ok(databaseExists(a.database), 'A is on the local MariaDB');
    assert.ok(!databaseExists(b.database), 'B is not');
    const treeA = descendants(a.child.pid!);
    const treeB = descendants(b.child.pid!);
    const table = procTable();
    assert.equal(
      treeA.filter((p) => table.get(p.pid)?.ppid === a.child.pid && p.cmd.includes('octavia-health-manager')).length,
      2,
      'A runs two HMs',
    );
    assert.ok(
      treeB.some((p) => p.cmd.includes('mariadbd')),
      'B runs its own mariadbd',
    );

    const runA = shortRun(a, 50);
    assert.equal(runA.status, 0, runA.out);
    assert.match(runA.out, /KEEPING UP/);
    const runB = shortRun(b, 20);
    assert.equal(runB.status, 0, runB.out);
    assert.match(runB.out, /KEEPING UP/);

    // B: its health manager dies; the sandbox notices, tears everything down, exit 3
    const hmB = treeB.find(
      (p) => p.cmd.includes('octavia-health-manager') && procTable().get(p.pid)?.ppid === b.child.pid,
    )!;
    process.kill(-hmB.pid, 'SIGKILL');
    assert.equal(await b.exit, 3, b.out + b.err);
    assert.match(b.err.trim(), /^stresshm: error: sandbox torn down: octavia-health-manager 0 exited on its own/);
    assert.deepEqual(
      treeB.filter((p) => alive(p.pid)),
      [],
      'no process of sandbox B is alive',
    );
    assert.ok(!existsSync(b.dir), 'B files removed (private data directory included)');

    // A is untouched by B's crash; Ctrl-C tears it down
    assert.ok(
      treeA.every((p) => alive(p.pid)),
      'A still runs',
    );
    a.child.kill('SIGINT');
    assert.equal(await a.exit, 0, a.out + a.err);
    assert.match(a.out, /Sandbox removed/);
    assert.deepEqual(
      treeA.filter((p) => alive(p.pid)),
      [],
      'no process of sandbox A is alive',
    );
    assert.ok(!existsSync(a.dir), 'A files removed');
    assert.ok(!databaseExists(a.database), 'A database dropped');
  } finally {
    for (const s of [a, b]) if (s.child.exitCode === null) s.child.kill('SIGINT');
  }
});

test('a UDP port already taken is one line and exit 2, and nothing is started', async () => {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const port = sock.address().port;
  // A private TMPDIR for the child: the test looks only at what it could have made.
  const own = mkdtempSync(join(tmpdir(), 'stresshm-porttest-'));
  try {
    const r = spawnSync(process.execPath, [BIN, 'sandbox', '--hm-ports', `${port}`], {
      encoding: 'utf8',
      timeout: 30000,
      env: { ...process.env, TMPDIR: own },
    });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.deepEqual(r.stderr.trim().split('\n'), [
      `stresshm: error: UDP port ${port} on 127.0.0.1 is already taken; choose another with --hm-ports`,
    ]);
    assert.deepEqual(readdirSync(own), [], 'no sandbox directory made');
  } finally {
    sock.close();
    rmSync(own, { recursive: true, force: true });
  }
});

const sidSkip = releasesUnderTest(['sid'])[0].skip;

test('two sandboxes on the Debian sid root: chrooted HMs, /proc shared until the last one leaves', {
  skip: sidSkip,
}, async () => {
  const a = await startSandboxCli(['--hms', '1', '--octavia', 'sid']);
  let b: Running | undefined;
  try {
    b = await startSandboxCli(['--hms', '1', '--octavia', 'sid']);
    const root = /Octavia root for Debian sid: (\S+)/.exec(a.out)![1];
    assert.match(a.out, /^Octavia \d+\.\d+\.\d+ \(Debian sid\)$/m, 'the version it runs');
    assert.ok(a.dir.startsWith(`${root}/tmp/`), 'the sandbox files are inside the root');
    const hmA = descendants(a.child.pid!).filter((p) => p.cmd.includes('octavia-health-manager'));
    const hmB = descendants(b.child.pid!).filter((p) => p.cmd.includes('octavia-health-manager'));
    assert.ok(hmA.length >= 1 && hmB.length >= 1);
    assert.equal(realpathSync(`/proc/${hmA[0].pid}/root`), root, 'the HM runs in the sid root');
    assert.ok(procMounted(root), '/proc is mounted in the root');
    const run = shortRun(a, 30);
    assert.equal(run.status, 0, run.out);
    assert.match(run.out, /KEEPING UP/);

    a.child.kill('SIGINT');
    assert.equal(await a.exit, 0, a.out + a.err);
    assert.deepEqual(
      hmA.filter((p) => alive(p.pid)),
      [],
      'no process of sandbox A is alive',
    );
    assert.ok(!existsSync(a.dir), 'A files removed');
    assert.ok(procMounted(root), '/proc stays mounted while B runs');
    assert.ok(
      hmB.every((p) => alive(p.pid)),
      'B still runs',
    );

    b.child.kill('SIGINT');
    assert.equal(await b.exit, 0, b.out + b.err);
    assert.deepEqual(
      hmB.filter((p) => alive(p.pid)),
      [],
      'no process of sandbox B is alive',
    );
    const others = readdirSync(join(root, 'run', 'stresshm-users')).filter((f) => alive(Number(f.split('-')[0])));
    assert.equal(
      procMounted(root),
      others.length > 0,
      `/proc unmounted after the last user (others: ${others.join(' ')})`,
    );
  } finally {
    for (const s of [a, b])
      if (s && s.child.exitCode === null) {
        s.child.kill('SIGINT');
        await s.exit;
      }
  }
});
