// Configuration: INI layering, Octavia's own octavia.conf as a second file, flag overrides,
// validation errors, database URLs and masking, and the generated sample file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config';
import { sampleConfig } from '../../src/config/sample';
import { parseIni } from '../../src/config/ini';
import { parseDbUrl, maskUrl, describeTarget } from '../../src/config/dburl';
import { UsageError } from '../../src/errors';
import { OPTIONS } from '../../src/config/options';

const dir = mkdtempSync(join(tmpdir(), 'stresshm-cfg-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('the original stresshm.conf is read with its option names', () => {
  const f = file('orig.conf', `[health_manager]
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
`);
  const c = loadConfig([f]);
  assert.deepEqual(c.controllerIpPortList, ['127.0.0.1:5555', '[::1]:5556']);
  assert.equal(c.heartbeatKey, 'insecure');
  assert.equal(c.heartbeatInterval, 5);
  assert.equal(c.heartbeatVersion, 2);
  assert.equal(c.testRuntimeSecs, 30);
  assert.deepEqual([c.loadBalancers, c.listeners, c.pools, c.healthMonitors, c.members, c.l7policies, c.l7rules], [7, 2, 3, 0, 4, 1, 2]);
  assert.equal(c.topology, 'ACTIVE_STANDBY');
  assert.match(c.projectId, /^[0-9a-f-]{36}$/);
});

test('a later file overrides an earlier one; octavia.conf supplies [database] and ignores the rest', () => {
  const a = file('a.conf', '[test_params]\nload_balancers = 3\n[health_manager]\nheartbeat_key = first\n');
  const octavia = file('octavia.conf', `[DEFAULT]
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
`);
  const c = loadConfig([a, octavia]);
  assert.equal(c.loadBalancers, 3);
  assert.equal(c.heartbeatKey, 'second');
  assert.equal(c.dbConnection, 'mysql+pymysql://octavia:pw@10.0.0.5/octavia?charset=utf8');
});

test('octavia_db_connection wins over [database] connection', () => {
  const f = file('both.conf', '[database]\nconnection = mysql://a@h/x\n[test_params]\noctavia_db_connection = mysql://b@h/y\n');
  assert.equal(loadConfig([f]).dbConnection, 'mysql://b@h/y');
});

test('command-line flags override files, with dashes or underscores', () => {
  const f = file('flags.conf', '[test_params]\nload_balancers = 3\ntopology = SINGLE\n');
  const c = loadConfig([f], { 'load-balancers': '9', topology: 'active_standby', 'health_manager.heartbeat_interval': '2' });
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
    assert.throws(() => loadConfig([], flags), (e: unknown) => e instanceof UsageError && re.test((e as Error).message), JSON.stringify(flags));
  }
});

test('a typo in our own sections is refused; a missing file is named', () => {
  const f = file('typo.conf', '[test_params]\nload_balancer = 3\n');
  assert.throws(() => loadConfig([f]), /unknown option "load_balancer" in \[test_params\]/);
  assert.throws(() => loadConfig([join(dir, 'missing.conf')]), /cannot read config file .*missing.conf: no such file/);
});

test('INI continuation lines and comments follow oslo.config', () => {
  const ini = parseIni('# c\n[health_manager]\ncontroller_ip_port_list = 127.0.0.1:1,\n    127.0.0.1:2\n; x\n');
  assert.deepEqual(ini.get('health_manager')?.get('controller_ip_port_list'), { value: '127.0.0.1:1,\n127.0.0.1:2', line: 3 });
  assert.throws(() => parseIni('key = value\n', 'f.conf'), /f.conf:1: option "key" comes before any \[section\]/);
});

test('SQLAlchemy URLs are parsed and passwords are never shown', () => {
  const t = parseDbUrl('mysql+pymysql://octavia:p%40ss@db.example:3307/octavia?charset=utf8&unix_socket=/run/mysqld.sock');
  assert.deepEqual(t, { host: 'db.example', port: 3307, user: 'octavia', password: 'p@ss', database: 'octavia', socketPath: '/run/mysqld.sock' });
  assert.equal(maskUrl('mysql+pymysql://octavia:p%40ss@db/octavia'), 'mysql+pymysql://octavia:***@db/octavia');
  assert.doesNotMatch(describeTarget(t), /p@ss/);
  assert.deepEqual(parseDbUrl('mysql://root@[::1]/o'), { host: '::1', port: 3306, user: 'root', password: '', database: 'o' });
  assert.throws(() => parseDbUrl('postgresql://u:pw@h/o'), /scheme "postgresql" is not supported/);
  assert.throws(() => parseDbUrl('mysql://u:secretpw@h'), (e: unknown) => !String((e as Error).message).includes('secretpw'));
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
