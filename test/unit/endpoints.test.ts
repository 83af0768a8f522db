// controller_ip_port_list parsing and resolution, and the heartbeat_key requirement.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEndpoint, requireHeartbeatKey, resolveEndpoints } from '../../src/config/endpoints';
import { UsageError } from '../../src/errors';

test('IPv4, IPv6 and names parse and resolve', async () => {
  assert.deepEqual(parseEndpoint(' 127.0.0.1:5555 '), { host: '127.0.0.1', port: 5555, text: '127.0.0.1:5555' });
  assert.deepEqual(parseEndpoint('[::1]:5556'), { host: '::1', port: 5556, text: '[::1]:5556' });
  assert.deepEqual(await resolveEndpoints(['localhost:1234', '[::1]:5']), [
    { host: '127.0.0.1', port: 1234 },
    { host: '::1', port: 5 },
  ]);
});

test('malformed entries, bad ports and unresolvable names are usage errors', async () => {
  for (const bad of ['127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', '::1:5555', '[nothost]:5', 'a:b']) {
    assert.throws(() => parseEndpoint(bad), UsageError, bad);
  }
  await assert.rejects(resolveEndpoints(['no-such-host.invalid:5555']), /"no-such-host.invalid" does not resolve/);
  await assert.rejects(resolveEndpoints([]), /controller_ip_port_list is empty/);
  assert.throws(() => requireHeartbeatKey(''), /heartbeat_key is not set/);
});
