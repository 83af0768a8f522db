// Configuration: INI layering, Octavia's own octavia.conf as a second file, flag overrides,
// validation errors, database URLs and masking, and the generated sample file.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { displaySettings, get, loadConfig, MAX_CONFIG_BYTES, readConfigFile } from '../../src/config/config';
import { describeTarget, maskUrl, parseDbUrl } from '../../src/config/dburl';
import { parseIni } from '../../src/config/ini';
import { fieldName, OPTIONS } from '../../src/config/options';
import { sampleConfig } from '../../src/config/sample';
import { UsageError } from '../../src/errors';

const dir = mkdtempSync(join(tmpdir(), 'stresshm-cfg-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('the original stresshm.conf is read with its option names', () => {
  const f = file(
    'orig.conf',
    `[health_manager]
controller_ip_port_list = 127.0.0.1:5555, [::1]:5556
heartbeat_key = insecure
heartbeat_interval = 5
heartbeat_version = 2

[test_params]
test_runtime_secs = 30
octavia_db_connection = mysql+pymysql://octavia:s3cret@db.example:3307/octavia
load_balancers = 7
listeners = 2
pools = 3
health_monitors = 0
members = 4
l7policies = 1
l7rules = 2
`,
  );
  const c = loadConfig([f]);
  assert.deepEqual(c.controllerIpPortList, ['127.0.0.1:5555', '[::1]:5556']);
  assert.equal(c.heartbeatKey, 'insecure');
  assert.equal(c.heartbeatInterval, 5);
  assert.equal(c.heartbeatVersion, 2);
  assert.equal(c.testRuntimeSecs, 30);
  assert.deepEqual(
    [c.loadBalancers, c.listeners, c.pools, c.healthMonitors, c.members, c.l7policies, c.l7rules],
    [7, 2, 3, 0, 4, 1, 2],
  );
  assert.equal(c.topology, 'ACTIVE_STANDBY');
  assert.match(c.projectId, /^[0-9a-f-]{36}$/);
});

test('a later file overrides an earlier one; octavia.conf supplies [database] and ignores the rest', () => {
  const a = file('a.conf', '[test_params]\nload_balancers = 3\n[health_manager]\nheartbeat_key = first\n');
  const octavia = file(
    'octavia.conf',
    `[DEFAULT]
debug = True
transport_url = rabbit://guest:guest@localhost
[database]
connection = mysql+pymysql://octavia:pw@10.0.0.5/octavia?charset=utf8
max_retries = -1
[health_manager]
heartbeat_key = second
bind_port = 5555
[keystone_authtoken]
password = whatever
`,
  );
  const c = loadConfig([a, octavia]);
  assert.equal(c.loadBalancers, 3);
  assert.equal(c.heartbeatKey, 'second');
  assert.equal(c.dbConnection, 'mysql+pymysql://octavia:pw@10.0.0.5/octavia?charset=utf8');
});

test('octavia_db_connection wins over [database] connection', () => {
  const f = file(
    'both.conf',
    '[database]\nconnection = mysql://a@h/x\n[test_params]\noctavia_db_connection = mysql://b@h/y\n',
  );
  assert.equal(loadConfig([f]).dbConnection, 'mysql://b@h/y');
});

test('overrides win over files, by option name or section.name (keys checked at compile time)', () => {
  const f = file('flags.conf', '[test_params]\nload_balancers = 3\ntopology = SINGLE\n');
  const c = loadConfig([f], {
    load_balancers: '9',
    topology: 'active_standby',
    'health_manager.heartbeat_interval': 2,
  });
  // @ts-expect-error an override of an option that does not exist is a compile error
  assert.throws(() => loadConfig([], { load_balancer: '9' }), /unknown option --load_balancer/);
  assert.equal(c.loadBalancers, 9);
  assert.equal(c.topology, 'ACTIVE_STANDBY');
  assert.equal(c.heartbeatInterval, 2);
});

test('bad values are refused with the option and the source named', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ members: '0' }, /test_params\.members \(command line\): 0 is below the minimum 1/],
    [{ members: '65536' }, /above the maximum 65535/],
    [{ health_monitors: '2' }, /health_monitors.*above the maximum 1/],
    [{ topology: 'MESH' }, /"MESH" is not one of SINGLE, ACTIVE_STANDBY/],
    [{ load_balancers: '1.5' }, /is not an integer/],
    [{ burst: 'maybe' }, /is not a boolean/],
    [{ nonsense: '1' }, /unknown option --nonsense/],
    [{ member_down_share: '0.7', member_drain_share: '0.7' }, /add up to 1.4/],
  ];
  for (const [flags, re] of cases) {
    assert.throws(
      () => loadConfig([], flags),
      (e: unknown) => e instanceof UsageError && re.test((e as Error).message),
      JSON.stringify(flags),
    );
  }
});

test('a typo in our own sections is refused; a missing file is named', () => {
  const f = file('typo.conf', '[test_params]\nload_balancer = 3\n');
  assert.throws(() => loadConfig([f]), /unknown option "load_balancer" in \[test_params\]/);
  assert.throws(() => loadConfig([join(dir, 'missing.conf')]), /cannot read config file .*missing.conf: no such file/);
});

test('INI continuation lines and comments follow oslo.config', () => {
  const ini = parseIni('# c\n[health_manager]\ncontroller_ip_port_list = 127.0.0.1:1,\n    127.0.0.1:2\n; x\n');
  assert.deepEqual(ini.get('health_manager')?.get('controller_ip_port_list'), {
    value: '127.0.0.1:1,\n127.0.0.1:2',
    line: 3,
  });
  assert.throws(() => parseIni('key = value\n', 'f.conf'), /f.conf:1: option "key" comes before any \[section\]/);
});

/** What octavia:p@ss@db.example:3307/octavia parses to, however the password is written. */
const OCTAVIA_AT_DB_EXAMPLE = {
  host: 'db.example',
  port: 3307,
  user: 'octavia',
  password: 'p@ss',
  database: 'octavia',
};

test('SQLAlchemy URLs are parsed and passwords are never shown', () => {
  const t = parseDbUrl(
    'mysql+pymysql://octavia:p%40ss@db.example:3307/octavia?charset=utf8&unix_socket=/run/mysqld.sock',
  );
  assert.deepEqual(t, { ...OCTAVIA_AT_DB_EXAMPLE, socketPath: '/run/mysqld.sock' });
  assert.equal(maskUrl('mysql+pymysql://octavia:p%40ss@db/octavia'), 'mysql+pymysql://octavia:***@db/octavia');
  assert.doesNotMatch(describeTarget(t), /p@ss/);
  assert.deepEqual(parseDbUrl('mysql://root@[::1]/o'), {
    host: '::1',
    port: 3306,
    user: 'root',
    password: '',
    database: 'o',
  });
  assert.throws(() => parseDbUrl('postgresql://u:pw@h/o'), /scheme "postgresql" is not supported/);
  assert.throws(
    () => parseDbUrl('mysql://u:secretpw@h'),
    (e: unknown) => !String((e as Error).message).includes('secretpw'),
  );
  assert.throws(() => parseDbUrl(undefined), /no database configured/);
});

test('the sample config lists every option with its help and parses back to the defaults', () => {
  const text = sampleConfig();
  for (const o of OPTIONS) {
    assert.ok(text.includes(`#${o.name} =`), o.name);
    assert.ok(text.includes(o.help.split(' ').slice(0, 4).join(' ')), `help of ${o.name}`);
  }
  const uncommented = text.replace(/^#(\w+ = .+)$/gm, '$1');
  const c = loadConfig([file('sample.conf', uncommented)]);
  assert.equal(c.heartbeatInterval, 10);
  assert.equal(c.topology, 'ACTIVE_STANDBY');
});

test('the committed stresshm.conf is exactly what sample-config generates', () => {
  const committed = readFileSync(join(__dirname, '..', '..', '..', 'stresshm.conf'), 'utf8');
  assert.equal(committed, sampleConfig(), 'regenerate with: node bin/stresshm.js sample-config > stresshm.conf');
});

test('an INI line it cannot read is named by file and line, never shown', () => {
  const secret = 'hunter2-heartbeat-key-0123456789';
  const url = 'mysql+pymysql://octavia:s3cretpw@db/octavia';
  const cases: Array<[string, RegExp]> = [
    [
      `[health_manager]\nheartbeat_interval = 5\n${secret}\n`,
      /bare\.conf:3: not a "\[section\]" or "name = value" line/,
    ],
    [`[test_params]\n\n${url}\n`, /bare\.conf:3: /],
    [`[test_params]\noctavia_db_connection ${url}\n`, /bare\.conf:2: not a/],
    [`[health_manager\nheartbeat_key = ${secret}\n`, /bare\.conf:1: not a/],
    [`heartbeat_key = ${secret}\n`, /bare\.conf:1: option "heartbeat_key" comes before any \[section\]/],
  ];
  for (const [text, re] of cases) {
    const f = file('bare.conf', text);
    assert.throws(
      () => loadConfig([f]),
      (e: unknown) => {
        const msg = (e as Error).message;
        return e instanceof UsageError && re.test(msg) && !msg.includes('hunter2') && !msg.includes('s3cretpw');
      },
      text,
    );
  }
});

test('a bad value in a file names the file, the line and the option, and quotes no word of it', () => {
  const f = file('badval.conf', '[test_params]\n\nmembers = 70000\n');
  assert.throws(() => loadConfig([f]), /test_params\.members \(.*badval\.conf:3\): 70000 is above the maximum 65535/);
  const g = file('badword.conf', '[stress]\nburst = hunter2key\n[test_params]\ntopology = s3cretpw\n');
  assert.throws(
    () => loadConfig([g]),
    (e: unknown) =>
      /stress\.burst \(.*badword\.conf:2\): the value is not a boolean/.test((e as Error).message) &&
      !(e as Error).message.includes('hunter2'),
  );
  const h = file('badchoice.conf', '[test_params]\ntopology = s3cretpw\n');
  assert.throws(
    () => loadConfig([h]),
    (e: unknown) =>
      /badchoice\.conf:2\): the value is not one of SINGLE/.test((e as Error).message) &&
      !(e as Error).message.includes('s3cretpw'),
  );
});

test('database URLs are masked in every malformed form, and never echoed by an error', () => {
  const pw = 'Sup3rS3cret';
  const forms = [
    `mysql+pymysql:octavia:${pw}@db/octavia`, // no //
    `octavia:${pw}@db/octavia`, // no scheme
    `//octavia:${pw}@db/octavia`,
    `mysql://octavia:${pw}@db`, // no database
    `mysql://octavia:${pw}`,
    `mysql://octavia:${pw}@db:99999/octavia`, // port out of range
    `mysql://octavia:${pw}%zz@db/octavia`, // bad %-escape
    `mysql://octavia:${pw}%@db/octavia`,
    `mysql://octavia:${pw}@db/octavia%E0%A4%A`,
    `postgresql://octavia:${pw}@db/octavia`,
    `mysql://octavia:p@${pw}@db/octavia`, // unencoded @: the tail must not leak
    `mysql://octavia:${pw}@@db/octavia`,
    `mysql://octavia:${pw}@db/octavia?password=${pw}`,
    `${pw}`,
  ];
  for (const url of forms) {
    assert.doesNotMatch(maskUrl(url), new RegExp(pw), url);
    let msg = '';
    try {
      msg = describeTarget(parseDbUrl(url));
    } catch (e) {
      assert.ok(e instanceof UsageError, `${url}: ${String(e)}`);
      msg = (e as Error).message;
    }
    assert.doesNotMatch(msg, new RegExp(pw), url);
  }
  assert.throws(() => parseDbUrl(`mysql://u:${pw}%zz@h/o`), /the password has an invalid %-escape/);
});

test('a password with an unencoded @ or / parses whole', () => {
  assert.deepEqual(parseDbUrl('mysql://octavia:p@ss@db.example:3307/octavia'), OCTAVIA_AT_DB_EXAMPLE);
  assert.equal(parseDbUrl('mysql://u:a/b@h/o').password, 'a/b');
  assert.equal(parseDbUrl('mysql://u:pw@h/o?unix_socket=/run/a@b.sock').socketPath, '/run/a@b.sock');
  assert.equal(maskUrl('mysql://octavia:p@ss@db/octavia'), 'mysql://octavia:***@db/octavia');
});

test('a database target is described without terminal control characters', () => {
  const t = parseDbUrl('mysql://ev%1B%5B2Jil:pw@h/o%07');
  assert.equal(t.user, 'ev\x1b[2Jil');
  assert.equal(describeTarget(t), 'ev\\x1b[2Jil:***@h:3306/o\\x07');
});

test('config files must be regular files of at most 1 MiB: FIFO, device, directory are refused at once', () => {
  const fifo = join(dir, 'fifo.conf');
  execFileSync('mkfifo', [fifo]);
  const big = file('big.conf', `[test_params]\n${'# padding\n'.repeat(MAX_CONFIG_BYTES / 10 + 1)}`);
  const cases: Array<[string, RegExp]> = [
    [fifo, /is a FIFO, not a regular file/],
    ['/dev/zero', /is a device, not a regular file/],
    [dir, /is a directory, not a regular file/],
    [big, /is larger than 1048576 bytes/],
  ];
  for (const [path, re] of cases) {
    const t0 = Date.now();
    assert.throws(
      () => loadConfig([path]),
      (e: unknown) => e instanceof UsageError && re.test((e as Error).message),
      path,
    );
    assert.ok(Date.now() - t0 < 2000, `${path} refused at once`);
  }
  assert.equal(readConfigFile(file('small.conf', '[stress]\nburst = yes\n')), '[stress]\nburst = yes\n');
});

test("secrets are masked by the option's own mark, in every option that has it", () => {
  const secret = 'P4ssw0rdXYZ';
  const flags: Record<string, string> = {};
  for (const o of OPTIONS) if (o.secret) flags[o.name] = o.type === 'dburl' ? `mysql://u:${secret}@h/o` : secret;
  assert.ok(Object.keys(flags).length >= 3, 'heartbeat_key and both database URLs are secret');
  const shown = displaySettings(loadConfig([], flags).settings);
  for (const o of OPTIONS.filter((d) => d.secret)) {
    const key = `${o.section}.${o.name}`;
    assert.ok(shown[key] !== undefined, key);
    assert.doesNotMatch(shown[key], new RegExp(secret), key);
  }
  assert.equal(shown['test_params.octavia_db_connection'], 'mysql://u:***@h/o');
  assert.equal(shown['health_manager.heartbeat_key'], '***');
  assert.equal(shown['test_params.load_balancers'], '10');
});

test('the Config fields are derived from the option table, typed, and a renamed key does not compile', () => {
  const c = loadConfig([], { ghost_busy: 'no', burst: 'on', 'health_manager.heartbeat_version': '2' });
  const busy: boolean = c.ghostBusy;
  const version: 1 | 2 | 3 = c.heartbeatVersion;
  assert.equal(busy, false);
  assert.equal(c.burst, true);
  assert.equal(version, 2);
  const fields = c as unknown as Record<string, unknown>;
  for (const o of OPTIONS) {
    if (['connection', 'octavia_db_connection', 'project_id', 'heartbeat_key'].includes(o.name)) continue;
    assert.notEqual(fields[fieldName(o)], undefined, `${o.name} -> ${fieldName(o)}`);
    assert.deepEqual(fields[fieldName(o)], c.settings.values.get(`${o.section}.${o.name}`), o.name);
  }
  const share: number = get(c.settings, 'sla.sla_min_processed_share');
  assert.equal(share, 0.99);
  // @ts-expect-error a key that is not in the option table is a compile error
  assert.equal(get(c.settings, 'sla.sla_min_processed_shares'), undefined);
  // @ts-expect-error a field that is not an option is a compile error
  assert.equal(c.ghost_busy, undefined);
});
