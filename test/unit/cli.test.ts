// The command line as a user types it: help, the original flags, one flag system (every
// boolean spelling, negative numbers, positional arguments, shared flag definitions),
// unknown commands and options, and the exit status of each (run as a real subprocess
// where the binary matters, in process where the parsed, typed result is what is checked).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliFlagTable, parseCommandLine } from '../../src/cli';
import { COMMANDS } from '../../src/cli/commands';
import { flagTable, normalizeArgv } from '../../src/cli/parse';
import { runCli } from '../helpers/cliproc';

const cli = (...args: string[]) => runCli(args, 30000);

/** The effective configuration as the real binary prints it, by "section.name". */
function effective(...args: string[]): Map<string, string> {
  const r = cli(...args, 'config');
  assert.equal(r.status, 0, r.err);
  return new Map(
    r.out
      .trim()
      .split('\n')
      .map((l) => l.split(' = ') as [string, string]),
  );
}

function oneLineError(r: { status: number | null; err: string }, re: RegExp, what: string): void {
  assert.equal(r.status, 2, `${what}: ${r.err}`);
  assert.equal(r.err.trim().split('\n').length, 1, r.err);
  assert.match(r.err, re, what);
}

test('--help explains the original flags, the commands and every option with its type and range', () => {
  const r = cli('--help');
  assert.equal(r.status, 0);
  for (const s of [
    '--db_create_only',
    '--clean_db',
    'populate',
    'clean',
    'list',
    'run',
    'blast',
    'capacity',
    '--load_balancers',
    '--heartbeat_key',
    'Exit status',
    'integer 1..65535, default 2',
    'yes/no, default yes',
  ]) {
    assert.ok(r.out.includes(s), s);
  }
});

test("every command has --help showing each flag's type, range and default", () => {
  for (const c of COMMANDS) {
    const r = cli(c.name, '--help');
    assert.equal(r.status, 0, c.name);
    assert.match(r.out, new RegExp(`^usage: .*${c.name}`, 'm'));
    for (const f of c.flags) {
      const dflt = f.type === 'bool' ? (f.default ? 'yes' : 'no') : f.default;
      const about = dflt === undefined ? '' : `, default ${f.defaultText ?? dflt})`;
      assert.ok(r.out.includes(`--${f.name.replace(/_/g, '-')}`), `${c.name} --${f.name}`);
      assert.ok(r.out.includes(about), `${c.name} --${f.name}: ${about}`);
    }
  }
  assert.match(cli('capacity', '--help').out, /--refine N {3}\(integer 0\.\.10, default 2\)/);
  assert.match(cli('compare', '--help').out, /--refine N {3}\(integer 0\.\.10, default 1\)/);
});

test('the real binary: --ghost_busy true gives ghost_busy = true, and every boolean spelling works', () => {
  const cases: Array<[string[], string]> = [
    [['--ghost_busy', 'true'], 'true'],
    [['--ghost-busy', 'true'], 'true'],
    [['--ghost_busy'], 'true'],
    [['--ghost_busy', 'false'], 'false'],
    [['--ghost_busy=false'], 'false'],
    [['--ghost-busy=no'], 'false'],
    [['--no-ghost-busy'], 'false'],
    [['--no-ghost_busy'], 'false'],
    [['--ghost-busy', 'no'], 'false'],
    [['--ghost_busy', 'off'], 'false'],
    [['--ghost_busy', '0'], 'false'],
    [['--ghost_busy', 'YES'], 'true'],
    [['--ghost_busy', 'no', '--ghost_busy', 'on'], 'true'],
    [['--ghost_busy', '1'], 'true'],
  ];
  for (const [args, want] of cases) {
    assert.equal(effective(...args).get('test_params.ghost_busy'), want, args.join(' '));
  }
  assert.equal(effective().get('test_params.ghost_busy'), 'true', 'the default');
  assert.equal(effective('--legacy_digest', 'true').get('stress.legacy_digest'), 'true');
  assert.equal(effective('--legacy-digest', 'on', '--burst', 'yes').get('stress.burst'), 'true');
});

test('the parsed Config is typed: booleans are booleans, numbers are numbers', () => {
  const cfg = parseCommandLine(['config', '--ghost_busy', 'true', '--burst', '--load-balancers', '7']).ctx!.config();
  assert.equal(cfg.ghostBusy, true);
  assert.equal(cfg.burst, true);
  assert.equal(cfg.loadBalancers, 7);
  assert.equal(parseCommandLine(['config', '--ghost_busy', 'false']).ctx!.config().ghostBusy, false);
});

test('a word that is not a boolean is an error naming the option', () => {
  oneLineError(cli('config', '--ghost_busy', 'maybe'), /ghost_busy.*"maybe" is not a boolean/, 'maybe');
  oneLineError(cli('--legacy-digest=perhaps', 'config'), /legacy_digest.*"perhaps" is not a boolean/, 'perhaps');
  oneLineError(cli('run', '--keep=maybe'), /--keep: "maybe" is not a boolean/, '--keep=maybe');
});

test('a switch before a command does not swallow the command', () => {
  const p = parseCommandLine(['--burst', 'config']);
  assert.equal(p.spec?.name, 'config');
  assert.equal(p.ctx?.overrides.burst, true);
  const c = parseCommandLine(['--yes', 'clean', 'abc']);
  assert.equal(c.spec?.name, 'clean');
  assert.deepEqual(c.ctx?.positional, ['abc']);
  assert.equal(c.ctx?.yes, true);
  assert.equal(parseCommandLine(['-y', 'clean', 'abc']).ctx?.yes, true);
});

test('a negative number names its option', () => {
  oneLineError(
    cli('config', '--load_balancers', '-1'),
    /test_params\.load_balancers \(command line\): -1 is below the minimum 1/,
    'lbs',
  );
  oneLineError(cli('config', '--sender-threads', '-3'), /sender_threads.*-3 is below the minimum 0/, 'threads');
  oneLineError(cli('blast', '--duration', '-5'), /--duration: -5 is below the minimum 1/, 'duration');
  oneLineError(cli('config', '--members'), /--members needs a value/, 'no value');
});

test('unexpected positional arguments are errors', () => {
  oneLineError(cli('clean', 'P1', 'P2'), /clean takes 1 argument \(PREFIX\), 2 given/, 'clean P1 P2');
  oneLineError(cli('run', 'extra'), /run takes no arguments, 1 given/, 'run extra');
  oneLineError(cli('clean'), /clean takes 1 argument/, 'clean');
  oneLineError(cli('compare', 'a'), /compare takes 2 arguments/, 'compare a');
});

test('--refine is one flag: capacity and compare refuse 1.5 alike and accept 2 alike', () => {
  const db = ['--octavia_db_connection', 'mysql://root@127.0.0.1:1/x'];
  const a = cli('capacity', '--refine', '1.5', ...db);
  const b = cli('compare', 'installed', 'installed', '--refine', '1.5');
  oneLineError(a, /--refine: "1\.5" is not an integer/, 'capacity');
  assert.equal(a.err, b.err);
  assert.equal(parseCommandLine(['capacity', '--refine', '2']).ctx?.flags.refine, 2);
  assert.equal(parseCommandLine(['compare', 'a', 'b', '--refine', '2']).ctx?.flags.refine, 2);
  assert.equal(parseCommandLine(['capacity']).ctx?.flags.refine, 2, 'capacity default');
  assert.equal(parseCommandLine(['compare', 'a', 'b']).ctx?.flags.refine, 1, 'compare default');
  assert.equal(parseCommandLine(['compare', 'a', 'b', '--factor', '1.5']).ctx?.flags.factor, 1.5);
});

test('an unknown command or option is one line and exit 2, and a flag value is never echoed', () => {
  const bad = [
    ['frobnicate'],
    ['list', '--frobnicate', '1'],
    ['--db_create_only', '--clean_db', 'x'],
    ['list', '--keep'],
  ];
  for (const args of bad) {
    const r = cli(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, /^stresshm: error: /);
  }
  const r = cli('list', '--octavia-db-connectoin=mysql://u:topsecret@h/db');
  oneLineError(r, /unknown option --octavia-db-connectoin \(/, 'typo');
  assert.doesNotMatch(r.err, /topsecret/);
});

test('secrets in a config line or a database URL never reach the terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stresshm-cli-'));
  try {
    const conf = join(dir, 's.conf');
    writeFileSync(conf, '[health_manager]\nheartbeat_interval = 5\nhunter2-key-0123456789\n');
    const r = cli('--config-file', conf, 'list');
    oneLineError(r, /s\.conf:3: not a "\[section\]" or "name = value" line/, 'bare key');
    assert.doesNotMatch(r.err, /hunter2/);
    for (const url of ['mysql://u:Sup3rS3cret%zz@h/o', 'u:Sup3rS3cret@h/o', 'mysql:u:Sup3rS3cret@h/o']) {
      const u = cli('list', '--octavia_db_connection', url);
      oneLineError(u, /database URL( is malformed|: the password has an invalid %-escape)/, url);
      assert.doesNotMatch(u.err, /Sup3rS3cret/, url);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('control characters from the command line reach the terminal escaped', () => {
  const r = cli('frob\x1b[31mnicate\x07\x7f\x9b');
  assert.equal(r.status, 2);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test checks that no control character is echoed
  assert.doesNotMatch(r.err, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  assert.ok(r.err.includes('frob\\x1b[31mnicate\\x07\\x7f\\x9b'), r.err);
});

test('the original flags keep working', () => {
  const clean = parseCommandLine(['--config-file', 'a.conf', '--config_file', 'b.conf', '--clean_db', 'P']);
  assert.equal(clean.spec?.name, 'clean');
  assert.deepEqual(clean.ctx?.positional, ['P']);
  assert.deepEqual(clean.ctx?.configFiles, ['a.conf', 'b.conf']);
  assert.equal(parseCommandLine(['--config-file', 'a.conf', '--db_create_only']).spec?.name, 'populate');
  assert.equal(parseCommandLine(['--config-file', 'a.conf']).spec?.name, 'run');
  oneLineError(cli('--clean_db'), /--clean_db needs a value/, '--clean_db alone');
});

test('the flag table: every spelling becomes --canonical=value; a switch never takes a flag as its value', () => {
  const t = cliFlagTable();
  assert.deepEqual(normalizeArgv(['--ghost-busy', '--keep', '--hm-log', 'x', '-y', '--', '--not-a-flag'], t), [
    '--ghost_busy=true',
    '--keep=true',
    '--hm_log=x',
    '--yes=true',
    '--',
    '--not-a-flag',
  ]);
  assert.deepEqual(normalizeArgv(['--members', '-2', '--no-burst'], t), ['--members=-2', '--burst=false']);
  assert.throws(
    () =>
      flagTable(
        [
          { name: 'x', type: 'bool' },
          { name: 'x', type: 'int' },
        ],
        [],
      ),
    /both as a switch and with a value/,
  );
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

test('--version prints the package version; no arguments print usage; help [COMMAND] works', () => {
  const pkg = JSON.parse(require('node:fs').readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  const v = cli('--version');
  assert.equal(v.status, 0);
  assert.equal(v.out, `stresshm ${pkg.version}\n`);
  const bare = cli();
  assert.equal(bare.status, 0, bare.err);
  assert.match(bare.out, /^usage: /m);
  assert.equal(bare.err, '');
  const h = cli('help', 'list');
  assert.equal(h.status, 0);
  assert.match(h.out, /^usage: .*list/m);
  assert.match(cli('help').out, /Commands:/);
  oneLineError(cli('help', 'frob'), /unknown command "frob"/, 'help of an unknown command');
  // The original tool: --config-file and no command is still the stress run.
  assert.equal(parseCommandLine(['--config-file', 'a.conf']).spec?.name, 'run');
  assert.equal(parseCommandLine(['--config-file', 'a.conf']).help, false);
});
