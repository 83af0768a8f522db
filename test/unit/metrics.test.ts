// The Prometheus state across a capacity search: counters keep growing from run to run (a new
// step's ledger starts at 0), gauges show the latest poll, the phase is one-hot.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricsState } from '../../src/metrics/prometheus';
import { RunEvents } from '../../src/run/events';
import type { Sample } from '../../src/run/record';
import type { DashboardState } from '../../src/terminal/dashboard';
import { parsePromText, promValue } from '../helpers/promtext';

function sample(sent: number, processed: number, kernel: number | null): Sample {
  return {
    due: sent + 5,
    t: 1,
    offeredPerSec: 10,
    processedPerSec: 5,
    lagP50: 0.25,
    lagP95: 0.5,
    lagP99: 0.75,
    staleOver1: 3,
    staleOver2: 2,
    staleOverTimeout: 1,
    logDrops: 0,
    ledger: {
      sent,
      sendErrors: 1,
      kernelDropped: kernel,
      listenerMismatch: null,
      staleDropped: 4,
      processed,
      unaccounted: 0,
    },
  };
}

function poll(ev: RunEvents, s: Sample): void {
  ev.emit('sample', {
    phase: 'send',
    sample: s,
    state: {} as DashboardState,
    recorded: true,
    endpoints: [{ endpoint: '127.0.0.1:5555', kernelDropped: s.ledger!.kernelDropped }],
  });
}

test('counters accumulate over the runs of a search; gauges and phase follow the last poll', () => {
  const m = new MetricsState();
  const first = new RunEvents();
  m.attach(first);
  first.emit('phase', { name: 'send', atMs: 0 });
  poll(first, sample(100, 60, 7));
  poll(first, sample(200, 150, 9));
  const second = new RunEvents();
  m.attach(second);
  second.emit('phase', { name: 'populate', atMs: 0 });
  poll(second, sample(50, 40, 2));
  const f = parsePromText(m.render());
  assert.equal(promValue(f, 'stresshm_heartbeats_sent_total'), 250);
  assert.equal(promValue(f, 'stresshm_heartbeats_due_total'), 260, 'due adds up over the runs like sent');
  assert.equal(promValue(f, 'stresshm_heartbeats_processed_total'), 190);
  assert.equal(promValue(f, 'stresshm_heartbeats_dropped_total', { kind: 'kernel', endpoint: '127.0.0.1:5555' }), 11);
  assert.equal(promValue(f, 'stresshm_heartbeats_dropped_total', { kind: 'stale' }), 8);
  assert.equal(promValue(f, 'stresshm_heartbeats_dropped_total', { kind: 'send_error' }), 2);
  assert.equal(
    f.get('stresshm_heartbeats_dropped_total')!.samples.some((s) => s.labels.kind === 'mismatch'),
    false,
    'a kind never measured is not exported as 0',
  );
  assert.equal(promValue(f, 'stresshm_processing_lag_seconds', { quantile: '0.99' }), 0.75);
  assert.equal(promValue(f, 'stresshm_phase', { phase: 'populate' }), 1);
  assert.equal(f.get('stresshm_phase')!.samples.filter((s) => s.value === 1).length, 1);
  assert.equal(promValue(f, 'stresshm_runs_total'), 2);
  second.emit('ended', { record: {} as never });
  assert.equal(promValue(parsePromText(m.render()), 'stresshm_phase', { phase: 'idle' }), 1);
});
