// SLA criteria carry stable ids; the verdict finds them by id, and [sla] is read typed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSettings } from '../../src/config/config';
import { criteria, slaFrom, verdict } from '../../src/run/sla';
import { HEALTHY } from '../helpers/figures';

const figures = HEALTHY;

test('every criterion has its own id', () => {
  const sla = slaFrom(loadSettings([]));
  assert.deepEqual(
    criteria(figures, sla).map((c) => c.id),
    ['processed_share', 'p99_lag', 'timeout_stale', 'log_drops', 'kernel_drops', 'offered_load'],
  );
});

test('[sla] options are read typed from the settings, flags included', () => {
  const sla = slaFrom(loadSettings([], { sla_max_timeout_stale: '3', 'sla.sla_min_processed_share': '0.5' }));
  assert.equal(sla.maxTimeoutStale, 3);
  assert.equal(sla.minProcessedShare, 0.5);
  assert.equal(sla.failingProcessedShare, 0.5);
});

test('stale amphorae beyond the limit make the verdict FAILING, found by id', () => {
  const sla = slaFrom(loadSettings([]));
  assert.equal(verdict({ ...figures, timeoutStaleMax: 1 }, sla), 'FAILING');
  assert.equal(verdict({ ...figures, logDrops: 5 }, sla), 'FALLING BEHIND');
  assert.equal(verdict(figures, sla), 'KEEPING UP');
});
