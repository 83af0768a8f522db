// Fault injection: a run is disturbed at every phase (its database killed or stopped, its
// connection killed, its stdout closed, SIGHUP, Ctrl-C through a real terminal into `| tee`)
// and every case ends with every table's checksum equal to before. Where the database was
// gone, equality comes after running the clean command the tool printed.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { checksums, createTestDb, mysql, type TestDb } from '../../fixtures/testdb';
import { freeUdpPort } from '../../src/octavia/processes';
import { BIN, CliProc, runCli } from '../helpers/cliproc';
import { dbRunArgs, optionArgs } from '../helpers/fixture';
import { PrivateServer } from '../helpers/privatedb';

const dir = mkdtempSync(join(tmpdir(), 'stresshm-faults-'));
let server: PrivateServer;
let shared: TestDb;
let deadPort: number;

before(async () => {
  server = await PrivateServer.create(join(dir, 'db'));
  server.loadSchema();
  shared = createTestDb('18.0.0', 'faults');
  deadPort = await freeUdpPort(); // nothing listens: the cases are about cleanup, not the HM
});
after(async () => {
  await server?.destroy();
  shared?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** A run against `url` whose heartbeats go nowhere, with short database timeouts. */
const runArgs = (url: string, extra: string[] = []) => [
  ...dbRunArgs(url, deadPort, 'fault-key'),
  ...optionArgs({ heartbeat_interval: 1, db_timeout_secs: 3, db_retry_secs: 6, drain_timeout_secs: 2 }),
  ...extra,
];

/** Every table of the shared database, by its checksum. */
const sharedSums = () => checksums(shared.name);

/** Runs the clean command exactly as the tool printed it (`stresshm ARGS...`, no quoting needed here). */
function runPrinted(command: string): void {
  const [tool, ...args] = command.trim().split(/\s+/);
  assert.equal(tool, 'stresshm');
  const r = runCli(args, 120000);
  assert.equal(r.status, 0, r.out + r.err);
}

type Fault = 'kill' | 'stop';
const PHASES: Array<{ phase: string; trigger: RegExp; extra: string[] }> = [
  {
    phase: 'populate',
    trigger: /Your run prefix ID is: /,
    extra: ['--load_balancers', '3000', '--members', '10', '--test_runtime_secs', '20'],
  },
  { phase: 'send', trigger: /Sending heartbeats: /, extra: ['--load_balancers', '50', '--test_runtime_secs', '60'] },
  {
    phase: 'drain',
    trigger: /waiting for the HM to drain/,
    extra: ['--load_balancers', '50', '--test_runtime_secs', '2'],
  },
  {
    phase: 'clean',
    trigger: /Removing the ghosts/,
    extra: ['--load_balancers', '2000', '--batch_size', '1', '--test_runtime_secs', '2'],
  },
];

for (const fault of ['kill', 'stop'] as Fault[]) {
  for (const { phase, trigger, extra } of PHASES) {
    test(
      `database ${fault === 'kill' ? 'killed (-9)' : 'stopped (SIGSTOP)'} during ${phase}: exit 3, the clean ` +
        `command, ` +
        'and after it every table as before',
      async () => {
        const q = (sql: string) => server.sql(sql, 'octavia');
        const before = checksums('octavia', q);
        const p = new CliProc(runArgs(server.url, extra));
        await p.waitFor(trigger);
        if (fault === 'kill') await server.kill9();
        else server.pause();
        const code = await p.exited;
        if (fault === 'kill') await server.start();
        else server.resume();
        assert.equal(code, 3, p.text);
        const errLines = p.err.split('\n').filter((l) => l.startsWith('stresshm: error:'));
        assert.equal(errLines.length, 1, p.err);
        const prefix = /Your run prefix ID is: ([0-9a-f-]{36})/.exec(p.out)![1];
        const printed = /remove them with: (stresshm .*)$/.exec(errLines[0])![1];
        assert.match(printed, new RegExp(`--clean_db ${prefix}$`));
        runPrinted(printed);
        assert.deepEqual(checksums('octavia', q), before);
      },
    );
  }
}

test("the tool's own connections killed (KILL) during sending: it reconnects, finishes and cleans", async () => {
  const before = sharedSums();
  const p = new CliProc(runArgs(shared.url, ['--load_balancers', '20', '--test_runtime_secs', '6']));
  await p.waitFor(/Sending heartbeats: /);
  const ids = mysql(
    `SELECT id FROM information_schema.processlist WHERE db = '${shared.name}' AND id <> CONNECTION_ID()`,
  )
    .trim()
    .split('\n')
    .filter(Boolean);
  assert.ok(ids.length > 0);
  for (const id of ids) mysql(`KILL CONNECTION ${id}`);
  const code = await p.exited;
  assert.equal(code, 1, p.text); // FAILING: nothing listens; but the run went to its end
  assert.match(p.out, /VERDICT: FAILING/);
  assert.deepEqual(sharedSums(), before);
});

test('| head -3: the closed pipe stops the run, which cleans up and exits 130 without a stack', () => {
  const before = sharedSums();
  const cmd =
    `${process.execPath} ${BIN} ` +
    `${runArgs(shared.url, ['--load_balancers', '20', '--test_runtime_secs', '60']).join(' ')}`;
  const r = spawnSync('bash', ['-c', `${cmd} | head -3; exit \${PIPESTATUS[0]}`], {
    encoding: 'utf8',
    timeout: 120000,
  });
  assert.equal(r.status, 130, r.stdout + r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 3);
  assert.match(r.stderr, /standard output closed: stopping and cleaning up/);
  assert.doesNotMatch(r.stderr, /EPIPE|at .*\.js:\d+/);
  assert.deepEqual(sharedSums(), before);
});

test('SIGHUP during sending (a lost SSH session) drains, cleans and exits 130', async () => {
  const before = sharedSums();
  const p = new CliProc(runArgs(shared.url, ['--load_balancers', '20', '--test_runtime_secs', '60']));
  await p.waitFor(/Sending heartbeats: /);
  p.signal('SIGHUP');
  assert.equal(await p.exited, 130, p.text);
  assert.match(p.out, /VERDICT: INTERRUPTED/);
  assert.doesNotMatch(p.out, /KEEPING UP/);
  assert.deepEqual(sharedSums(), before);
});

test('a second Ctrl-C exits at once and prints the exact clean command, which removes everything', async () => {
  const before = sharedSums();
  const p = new CliProc(
    runArgs(shared.url, ['--load_balancers', '20', '--test_runtime_secs', '60', '--drain_timeout_secs', '60']),
  );
  await p.waitFor(/Sending heartbeats: /);
  p.signal('SIGINT');
  await p.waitFor(/SIGINT: stopping and cleaning up/);
  p.signal('SIGINT');
  assert.equal(await p.exited, 130, p.text);
  const prefix = /Your run prefix ID is: ([0-9a-f-]{36})/.exec(p.out)![1];
  const printed = new RegExp(
    `second SIGINT, exiting now\\. Remove the ghosts with: (stresshm .*--clean_db ${prefix})\n`,
  ).exec(p.err);
  assert.ok(printed, p.err);
  runPrinted(printed[1]);
  assert.deepEqual(sharedSums(), before);
});

test(
  'Ctrl-C typed into a terminal running `run ... 2>&1 | tee`: tee dies first, the run still cleans up (exit ' + '130)',
  async () => {
    const before = sharedSums();
    const session = `stresshm-fault-${process.pid}`;
    const log = join(dir, 'tee.log');
    const status = join(dir, 'tee.status');
    const cmd =
      `${process.execPath} ${BIN} ` +
      `${runArgs(shared.url, ['--load_balancers', '20', '--test_runtime_secs', '60']).join(' ')}`;
    // The shell traps INT (a handler, not "ignore", so node and tee keep the default) to record the status.
    execFileSync('tmux', [
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '80',
      '-y',
      '24',
      `bash -c 'trap true INT; ${cmd} 2>&1 | tee ${log}; echo \${PIPESTATUS[0]} > ${status}'`,
    ]);
    try {
      const deadline = Date.now() + 60000;
      while (!(existsSync(log) && /Sending heartbeats/.test(readFileSync(log, 'utf8')))) {
        assert.ok(Date.now() < deadline, 'the run started');
        await new Promise((r) => setTimeout(r, 100)); // polling a file for a condition, with a deadline
      }
      execFileSync('tmux', ['send-keys', '-t', session, 'C-c']);
      while (!existsSync(status) || readFileSync(status, 'utf8').trim() === '') {
        assert.ok(Date.now() < deadline + 60000, 'the run ended');
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(readFileSync(status, 'utf8').trim(), '130');
      assert.deepEqual(sharedSums(), before);
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session]);
    }
  },
);

test(
  'checked before the first write (exit 2, one line, nothing written): an unaddressable endpoint, ' +
    'a missing --hm-log, report paths that cannot be written',
  () => {
    const before = sharedSums();
    const cases: Array<[string[], RegExp]> = [
      [['--controller_ip_port_list', '255.255.255.255:5555'], /255\.255\.255\.255:5555 cannot be used \(EACCES\)/],
      [['--hm-log', join(dir, 'no-such.log')], /--hm-log .*no-such\.log: not a readable file/],
      [
        ['--report-json', '/nonexistent/x.json'],
        /--report-json \/nonexistent\/x\.json: directory \/nonexistent does not exist/,
      ],
      [['--report-html', dir], /--report-html .* is a directory/],
    ];
    for (const [extra, re] of cases) {
      const r = runCli(runArgs(shared.url, ['--load_balancers', '5', '--test_runtime_secs', '2', ...extra]));
      assert.equal(r.status, 2, `${extra.join(' ')}: ${r.out}${r.err}`);
      assert.match(r.err, re);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
    }
    assert.deepEqual(sharedSums(), before);
  },
);

test(
  '--abort-on-fail stops a run whose SLA failed beyond recovery, long before test_runtime_secs, and cleans ' + 'up',
  async () => {
    const before = sharedSums();
    const started = Date.now();
    const p = new CliProc(
      runArgs(shared.url, ['--load_balancers', '20', '--test_runtime_secs', '300', '--abort-on-fail']),
    );
    assert.equal(await p.exited, 1, p.text);
    assert.ok(Date.now() - started < 120000, 'stopped early');
    assert.match(
      p.out,
      /stopped early \(--abort-on-fail\): even if every heartbeat in flight or still to send were processed/,
    );
    assert.match(p.out, /VERDICT: FAILING/);
    assert.deepEqual(sharedSums(), before);
  },
);

test(
  '--ghost_busy true (and every spelling) writes busy = 1, so a real HM never fails a ghost over; false writes ' + '0',
  () => {
    const before = sharedSums();
    const cases: Array<[string[], string]> = [
      [['--ghost_busy', 'true'], '1'],
      [['--ghost-busy=yes'], '1'],
      [['--ghost_busy'], '1'],
      [['--no-ghost-busy'], '0'],
      [['--ghost_busy', 'false'], '0'],
    ];
    for (const [flag, want] of cases) {
      const r = runCli(['populate', '--octavia_db_connection', shared.url, '--load_balancers', '3', ...flag]);
      assert.equal(r.status, 0, r.out + r.err);
      const prefix = /Your run prefix ID is: ([0-9a-f-]{36})/.exec(r.out)![1];
      const busy = mysql(
        `SELECT DISTINCT h.busy FROM amphora_health h JOIN amphora a ON a.id = h.amphora_id JOIN load_balancer l ` +
          `ON l.id = a.load_balancer_id WHERE l.name LIKE '${prefix}-lb%'`,
        shared.name,
      ).trim();
      assert.equal(busy, want, flag.join(' '));
      runPrinted(`stresshm clean ${prefix} --octavia_db_connection ${shared.url}`);
    }
    assert.deepEqual(sharedSums(), before);
  },
);
