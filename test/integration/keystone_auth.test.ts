// api-bench authenticated by a real Keystone (Debian's python3-keystone, its own database and
// loopback port) against the sandbox's Octavia 11 API with auth_strategy = keystone, so the API
// itself validates every token: with clouds.yaml (OS_CLIENT_CONFIG_FILE) and with OS_* variables
// the bench lists through the catalog's load-balancer endpoint; with short-lived tokens (a second
// Keystone) the session renews each before it expires; a wrong password or an unknown cloud is
// one line and exit 3 / 2, and the password is printed nowhere. Everything the test started or
// created is gone at the end.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cloudFromEnv } from '../../src/config/cloudauth';
import { KeystoneSession } from '../../src/experiments/keystone';
import { groupAlive } from '../../src/octavia/processes';
import { type Sandbox, startSandbox } from '../../src/octavia/sandbox';
import { BIN } from '../helpers/cliproc';
import { keystoneMissing, startKeystone, type TestKeystone } from '../helpers/keystone';

// a second Keystone issues tokens this short ([token] expiration) for the renewal test; the one
// Octavia validates with keeps the default hour (keystonemiddleware's own service token would
// otherwise be re-issued on every validation: keystoneauth renews tokens within 120 s of expiry)
const TOKEN_LIFE_SECS = 12;
const skip = keystoneMissing() ?? false;

/** The environment without the test host's own OS_* variables, HOME in our temp dir. */
function cleanEnv(home: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OS_')) env[k] = v;
  return { ...env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ...extra };
}

function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => {
      out += d;
    });
    c.stderr.on('data', (d) => {
      err += d;
    });
    c.on('close', (code) => resolve({ code, out, err }));
  });
}

interface Timing {
  size: number;
  call: string;
  variant: string;
  status: number;
  count: number;
  expected: number;
}

describe('api-bench with Keystone', { skip }, () => {
  let ks: TestKeystone;
  let sb: Sandbox;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stresshm-ksauth-'));
    ks = await startKeystone();
    sb = await startSandbox({
      hms: 1,
      api: true,
      keystone: { authUrl: ks.url, username: 'admin', password: ks.adminPassword, projectName: 'admin' },
    });
    await ks.registerLoadBalancer(sb.api!.url);
  });

  after(async () => {
    const pids = [ks?.proc.child.pid, sb?.api?.proc.child.pid, ...(sb?.hms ?? []).map((p) => p.child.pid)];
    await sb?.stop();
    await ks?.stop();
    rmSync(dir, { recursive: true, force: true });
    for (const pid of pids) if (pid) assert.equal(groupAlive(pid), false, `process group ${pid} is gone`);
    const { execFileSync } = await import('node:child_process');
    const left = execFileSync(
      'mariadb',
      ['-h127.0.0.1', '-uroot', '-N', '-e', `SHOW DATABASES LIKE 'stresshm_keystone_${process.pid}_%'`],
      { encoding: 'utf8' },
    );
    assert.equal(left.trim(), '', 'the Keystone database is dropped');
    const sbLeft = execFileSync(
      'mariadb',
      ['-h127.0.0.1', '-uroot', '-N', '-e', `SHOW DATABASES LIKE '${sb.database}'`],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(sbLeft.trim(), '', 'the sandbox database is dropped');
    assert.equal(existsSync(ks.dir), false);
  });

  test('the Octavia API validates tokens with this Keystone: a wrong one is 401, an admin one lists', async () => {
    const list = (token: string) =>
      fetch(`${sb.api!.url}/v2/lbaas/loadbalancers`, { headers: { 'X-Auth-Token': token } }).then((r) => r.status);
    assert.equal(await list('not-a-token'), 401);
    assert.equal(await list(await ks.adminToken()), 200);
  });

  const bench = async (env: NodeJS.ProcessEnv, name: string, extra: string[] = []) => {
    const json = join(dir, `${name}.json`);
    const r = await runCli(
      [
        'api-bench',
        '--config-file',
        sb.stresshmConf,
        '--sizes',
        '5,20',
        '--repeat',
        '2',
        '--page-size',
        '7',
        '--members',
        '2',
        '--yes',
        '--report-json',
        json,
        ...extra,
      ],
      env,
      dir,
    );
    assert.equal(r.code, 0, r.out + r.err);
    assert.ok(!(r.out + r.err).includes(ks.adminPassword), 'the password is never printed');
    assert.match(r.out, new RegExp(`Octavia API ${sb.api!.url.replace(/\./g, '\\.')}\\n`), 'endpoint from the catalog');
    const report = JSON.parse(readFileSync(json, 'utf8'));
    assert.equal(report.url, sb.api!.url);
    const timings = report.timings as Timing[];
    assert.ok(timings.some((t) => t.size === 20 && t.call === 'loadbalancers' && t.count === 20));
    for (const t of timings) assert.deepEqual([t.status, t.count], [200, t.expected], JSON.stringify(t));
    assert.match(r.out, /\s20 LBs\s+loadbalancers\s+full\s+200\s+20\/20\s+p50\s+[\d.]+ ms/);
    return { report, r };
  };

  test('clouds.yaml through OS_CLIENT_CONFIG_FILE and --os-cloud: the bench lists through the catalog', async () => {
    const file = join(dir, 'clouds.yaml');
    writeFileSync(
      file,
      'clouds:\n  ks-test:\n    auth:\n' +
        `      auth_url: ${ks.url.replace(/\/v3$/, '')}\n      username: admin\n` +
        `      password: "${ks.adminPassword}"\n      project_name: admin\n` +
        '      user_domain_name: Default\n      project_domain_name: Default\n' +
        '    region_name: RegionOne\n    interface: public\n    identity_api_version: 3\n',
    );
    const { report } = await bench(cleanEnv(dir, { OS_CLIENT_CONFIG_FILE: file }), 'clouds', ['--os-cloud', 'ks-test']);
    assert.match(report.auth.source, /^cloud ks-test in .*clouds\.yaml$/);
  });

  test('OS_* variables: the bench lists through the catalog', async () => {
    const env = cleanEnv(dir, {
      OS_AUTH_URL: ks.url,
      OS_USERNAME: 'admin',
      OS_PASSWORD: ks.adminPassword,
      OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_REGION_NAME: 'RegionOne',
      OS_INTERFACE: 'public',
    });
    const { report } = await bench(env, 'env');
    assert.equal(report.auth.source, 'OS_* variables');
  });

  test('tokens of a few seconds: the session hands out a valid one and renews it before it expires', async () => {
    const short = await startKeystone({ tokenExpirationSecs: TOKEN_LIFE_SECS });
    try {
      const s = new KeystoneSession(
        cloudFromEnv({
          OS_AUTH_URL: short.url,
          OS_USERNAME: 'admin',
          OS_PASSWORD: short.adminPassword,
          OS_PROJECT_NAME: 'admin',
        }),
      );
      const seen = new Set<string>();
      const deadline = Date.now() + 20 * TOKEN_LIFE_SECS * 1000;
      // poll until the session went through two renewals; every token it hands out validates
      while (s.renewals < 2) {
        assert.ok(Date.now() < deadline, `only ${s.renewals} renewals`);
        const tok = await s.token();
        seen.add(tok);
        const r = await fetch(`${short.url}/auth/tokens`, { headers: { 'X-Auth-Token': tok, 'X-Subject-Token': tok } });
        assert.equal(r.status, 200, 'the token handed out is valid');
        await new Promise((res) => setTimeout(res, 250)); // polling interval
      }
      assert.equal(seen.size, 3, 'a new token at each renewal');
    } finally {
      await short.stop();
    }
    assert.equal(groupAlive(short.proc.child.pid!), false, 'the short-token Keystone is gone');
    assert.equal(existsSync(short.dir), false);
  });

  test('a wrong password: one line, exit 3, the password nowhere', async () => {
    const wrong = 'Wr0ng-pa55word-unique-7f3a';
    const env = cleanEnv(dir, {
      OS_AUTH_URL: ks.url,
      OS_USERNAME: 'admin',
      OS_PASSWORD: wrong,
      OS_PROJECT_NAME: 'admin',
    });
    const r = await runCli(['api-bench', '--config-file', sb.stresshmConf, '--sizes', '5', '--yes'], env, dir);
    assert.equal(r.code, 3, r.out + r.err);
    assert.deepEqual(r.err.trim().split('\n').length, 1, r.err);
    assert.match(
      r.err,
      /Keystone at http:\/\/127\.0\.0\.1:\d+\/v3\/auth\/tokens refused the user, password or project/,
    );
    assert.ok(!(r.out + r.err).includes(wrong), 'the wrong password is never printed');
  });

  test('an unknown cloud and an unreachable auth URL: one line each, exit 2 and 3', async () => {
    const file = join(dir, 'clouds-other.yaml');
    writeFileSync(file, `clouds:\n  other:\n    auth:\n      auth_url: ${ks.url}\n      password: s\n`);
    const r = await runCli(
      ['api-bench', '--config-file', sb.stresshmConf, '--os-cloud', 'nosuch', '--yes'],
      cleanEnv(dir, { OS_CLIENT_CONFIG_FILE: file }),
      dir,
    );
    assert.equal(r.code, 2, r.err);
    assert.equal(r.err.trim(), `stresshm: error: cloud nosuch is not in ${file}`);
    const down = await runCli(
      ['api-bench', '--config-file', sb.stresshmConf, '--yes'],
      cleanEnv(dir, { OS_AUTH_URL: 'http://127.0.0.1:9/v3', OS_USERNAME: 'u', OS_PASSWORD: 'secret-pw-xyz' }),
      dir,
    );
    assert.equal(down.code, 3, down.err);
    assert.equal(down.err.trim().split('\n').length, 1, down.err);
    assert.match(down.err, /Keystone at http:\/\/127\.0\.0\.1:9\/v3\/auth\/tokens does not answer/);
    assert.ok(!(down.out + down.err).includes('secret-pw-xyz'));
  });
});
