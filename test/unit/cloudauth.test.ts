// Keystone credentials as the openstack CLI finds them (clouds.yaml search order, secure.yaml,
// OS_* variables), the token request body, and the catalog lookup; no error carries a secret.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cloudFromEnv, cloudFromFiles, cloudsFiles, resolveCloudAuth } from '../../src/config/cloudauth';
import { authBody, findEndpoint, tokensUrl } from '../../src/experiments/keystone';
import { scratchDir } from '../helpers/scratch';

const CLOUD = `clouds:
  prod:
    auth:
      auth_url: https://keystone.example:5000
      username: bench
      password: "p@ss: w0rd"
      project_name: ops
      user_domain_name: Users
    region_name: North
`;

function dirs(): { cwd: string; home: string } {
  const root = scratchDir('stresshm-cloudauth-');
  const cwd = join(root, 'cwd');
  const home = join(root, 'home');
  mkdirSync(cwd);
  mkdirSync(join(home, '.config', 'openstack'), { recursive: true });
  return { cwd, home };
}

test('clouds.yaml: OS_CLIENT_CONFIG_FILE first, then ./, ~/.config/openstack/, /etc/openstack/', () => {
  const f = cloudsFiles({ OS_CLIENT_CONFIG_FILE: '/x/c.yaml' }, '/w', '/h');
  assert.deepEqual(f, [
    '/x/c.yaml',
    '/w/clouds.yaml',
    '/w/clouds.yml',
    '/h/.config/openstack/clouds.yaml',
    '/h/.config/openstack/clouds.yml',
    '/etc/openstack/clouds.yaml',
    '/etc/openstack/clouds.yml',
  ]);
});

test('a named cloud from the first clouds.yaml found, secure.yaml merged over it', () => {
  const { cwd, home } = dirs();
  writeFileSync(join(home, '.config', 'openstack', 'clouds.yaml'), CLOUD);
  writeFileSync(join(home, '.config', 'openstack', 'secure.yaml'), 'clouds:\n  prod:\n    auth:\n      password: s3\n');
  const b = cloudFromFiles('prod', {}, { cwd, home });
  assert.equal(b.authUrl, 'https://keystone.example:5000');
  assert.equal(b.password, 's3');
  assert.equal(b.projectName, 'ops');
  assert.equal(b.regionName, 'North');
  assert.equal(b.interface, 'public');
  assert.equal(b.method, 'password');
  writeFileSync(join(cwd, 'clouds.yaml'), CLOUD.replace('North', 'South'));
  assert.equal(cloudFromFiles('prod', {}, { cwd, home }).regionName, 'South', './clouds.yaml comes first');
  assert.equal(cloudFromFiles('prod', {}, { cwd, home, regionName: 'East' }).regionName, 'East');
});

test('no such cloud, no file, bad YAML: one line each, and a YAML error shows no line of the file', () => {
  const { cwd, home } = dirs();
  assert.throws(() => cloudFromFiles('prod', {}, { cwd, home }), /no clouds\.yaml found for cloud prod/);
  writeFileSync(join(cwd, 'clouds.yaml'), CLOUD);
  assert.throws(() => cloudFromFiles('other', {}, { cwd, home }), /cloud other is not in .*clouds\.yaml/);
  writeFileSync(join(cwd, 'clouds.yaml'), 'clouds:\n  prod:\n    auth: {password: "Secr3t-Value\n');
  assert.throws(
    () => cloudFromFiles('prod', {}, { cwd, home }),
    (e: Error) => /is not valid YAML/.test(e.message) && !e.message.includes('Secr3t') && !e.message.includes('\n'),
  );
});

test('OS_* variables: password and application credential; what is missing is named', () => {
  const a = cloudFromEnv({
    OS_AUTH_URL: 'http://k:5000/v3',
    OS_USERNAME: 'u',
    OS_PASSWORD: 'pw',
    OS_PROJECT_ID: 'p1',
    OS_INTERFACE: 'internalURL',
  });
  assert.equal(a.interface, 'internal');
  assert.deepEqual(authBody(a), {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: 'u', domain: { id: 'default' }, password: 'pw' } },
      },
      scope: { project: { id: 'p1' } },
    },
  });
  const ac = cloudFromEnv({
    OS_AUTH_URL: 'http://k:5000',
    OS_AUTH_TYPE: 'v3applicationcredential',
    OS_APPLICATION_CREDENTIAL_ID: 'id1',
    OS_APPLICATION_CREDENTIAL_SECRET: 'sec',
  });
  assert.deepEqual(authBody(ac), {
    auth: {
      identity: { methods: ['application_credential'], application_credential: { id: 'id1', secret: 'sec' } },
    },
  });
  assert.throws(() => cloudFromEnv({ OS_AUTH_URL: 'http://k:5000', OS_USERNAME: 'u' }), /OS_\* variables: no password/);
  assert.throws(() => cloudFromEnv({ OS_AUTH_URL: 'http://k', OS_AUTH_TYPE: 'token', OS_PASSWORD: 'x' }), /token/);
  assert.equal(resolveCloudAuth({}), undefined, 'no credentials at all: none');
});

test('tokens URL with or without /v3; v2.0 refused', () => {
  assert.equal(tokensUrl('http://k:5000'), 'http://k:5000/v3/auth/tokens');
  assert.equal(tokensUrl('http://k:5000/v3/'), 'http://k:5000/v3/auth/tokens');
  assert.equal(tokensUrl('https://k/identity/v3'), 'https://k/identity/v3/auth/tokens');
  assert.throws(() => tokensUrl('http://k:5000/v2.0'), /v2\.0/);
});

test('catalog: the load-balancer endpoint of the interface and region', () => {
  const catalog = [
    { type: 'identity', endpoints: [{ interface: 'public', region_id: 'A', url: 'http://id' }] },
    {
      type: 'load-balancer',
      endpoints: [
        { interface: 'public', region_id: 'A', url: 'http://lb-a/' },
        { interface: 'internal', region_id: 'A', url: 'http://lb-a-int' },
        { interface: 'public', region_id: 'B', url: 'http://lb-b' },
      ],
    },
  ];
  assert.equal(findEndpoint(catalog, 'public', 'A'), 'http://lb-a');
  assert.equal(findEndpoint(catalog, 'internal', 'A'), 'http://lb-a-int');
  assert.equal(findEndpoint(catalog, 'public', 'B'), 'http://lb-b');
  assert.throws(() => findEndpoint(catalog, 'public'), /several regions \(A, B\)/);
  assert.throws(() => findEndpoint(catalog, 'public', 'C'), /no load-balancer endpoint in region C/);
  assert.throws(() => findEndpoint(catalog.slice(0, 1), 'public'), /no load-balancer endpoint/);
});
