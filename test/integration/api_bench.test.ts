// api-bench against its own sandbox API (Octavia 11, and sid's 19 with --octavia sid): every
// list call answers 200 with the expected count at each size; an API that answers 401 is one
// clear line and exit 3.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestDb } from '../../fixtures/testdb';
import { releasesUnderTest } from '../helpers/releases';
import { scratchDir } from '../helpers/scratch';

const BIN = join(__dirname, '..', '..', '..', 'bin', 'stresshm.js');

for (const rel of releasesUnderTest(['installed', 'sid'])) {
  test(`api-bench on the sandbox API of Octavia ${rel.label}: every call 200 with the expected counts, sizes growing`, {
    skip: rel.skip,
  }, () => {
    const json = join(scratchDir('stresshm-apibench-'), 'api.json');
    const r = spawnSync(
      process.execPath,
      [
        BIN,
        'api-bench',
        '--sandbox',
        '--octavia',
        rel.label,
        '--sizes',
        '10,40',
        '--repeat',
        '2',
        '--page-size',
        '15',
        '--l7policies',
        '1',
        '--l7rules',
        '2',
        '--members',
        '3',
        '--report-json',
        json,
      ],
      { encoding: 'utf8', timeout: 300000 },
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    assert.match(
      report.octavia,
      rel.choice.kind === 'suite' ? new RegExp(`\\(Debian ${rel.label}\\)$`) : /\(installed, /,
    );
    const calls = new Set(report.timings.map((t: { call: string }) => t.call));
    assert.deepEqual([...calls].sort(), [
      'amphorae',
      'healthmonitors',
      'l7policies',
      'l7rules',
      'listeners',
      'loadbalancers',
      'members',
      'pools',
    ]);
    for (const t of report.timings) {
      assert.equal(t.status, 200, JSON.stringify(t));
      assert.equal(t.count, t.expected, JSON.stringify(t));
    }
    const lb40 = report.timings.find(
      (t: { size: number; call: string; variant: string }) =>
        t.size === 40 && t.call === 'loadbalancers' && t.variant === 'full',
    );
    assert.equal(lb40.count, 40);
    const page = report.timings.find(
      (t: { size: number; call: string; variant: string }) =>
        t.size === 40 && t.call === 'loadbalancers' && t.variant === 'page',
    );
    assert.equal(page.count, 15, 'the second page of 15');
  });
}

test('an API that answers 401 is one line and exit 3', async () => {
  const server = createServer((_, res) => {
    res.statusCode = 401;
    res.end('{"error": "unauthorized"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const db = createTestDb('18.0.0', 'api401');
  try {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'api-bench',
        '--api-url',
        `http://127.0.0.1:${port}`,
        '--token',
        'bad',
        '--octavia_db_connection',
        db.url,
        '--sizes',
        '5',
        '--yes',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 3, err);
    const lines = err
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('Target database') && !l.startsWith('populate'));
    assert.equal(lines.length, 1, err);
    assert.match(lines[0], /answered 401: give a valid Keystone token/);
    assert.equal(
      spawnSync('mariadb', ['-h127.0.0.1', '-uroot', '-N', '-e', 'SELECT COUNT(*) FROM load_balancer', db.name], {
        encoding: 'utf8',
      }).stdout.trim(),
      '0',
      'nothing was written',
    );
  } finally {
    server.close();
    db.drop();
  }
});
