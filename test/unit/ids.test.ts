// Ghost row ids: UUIDv7 format and version/variant bits, strict monotonicity within a generator
// (also within one millisecond, with a clock that stands still or steps back, and across a counter
// overflow), the shuffled-block dealer (ordered between blocks, random inside), and the scheme test.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { type GhostPlan, idsOf } from '../../src/ghostdb/ghosts';
import { DEAL_BLOCK, dealer, formatV7, idSource, schemeOf, uuidVersion, uuidv7Generator } from '../../src/ghostdb/ids';
import { loadBalancerRows } from '../../src/ghostdb/rows';

const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('v7 ids are canonical lowercase UUIDs with version 7 and the RFC 9562 variant', () => {
  const next = uuidv7Generator();
  for (let i = 0; i < 10_000; i++) {
    const id = next();
    assert.match(id, CANONICAL);
    assert.equal(uuidVersion(id), 7);
    // Variant: the two top bits of byte 8 are 10.
    assert.equal(Number.parseInt(id.slice(19, 21), 16) >> 6, 0b10);
  }
});

test('the timestamp field holds the Unix milliseconds of the clock', () => {
  const ms = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
  const id = uuidv7Generator(() => ms)();
  assert.equal(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16), ms);
});

test('formatV7 places counter and random bits without touching version and variant', () => {
  assert.equal(formatV7(0, 0, 0), '00000000-0000-7000-8000-000000000000');
  assert.equal(formatV7(2 ** 48 - 1, 2 ** 42 - 1, 2 ** 32 - 1), 'ffffffff-ffff-7fff-bfff-ffffffffffff');
});

test('ids increase strictly within one millisecond, with a frozen or backward clock', () => {
  let t = 1_700_000_000_000;
  const clock = [0, 0, 0, -5, -5, 0, 1, 1, -100, 2];
  let k = 0;
  const next = uuidv7Generator(() => t + clock[k++ % clock.length]);
  let prev = next();
  for (let i = 0; i < 50_000; i++) {
    const id = next();
    assert.ok(id > prev, `${id} after ${prev}`);
    prev = id;
    if (i % 1000 === 0) t += 1;
  }
});

test('a counter overflow within one millisecond moves the timestamp on, still increasing', () => {
  const ms = 1_700_000_000_000;
  const next = uuidv7Generator(
    () => ms,
    () => 2 ** 42 - 3,
  );
  const ids = Array.from({ length: 6 }, next);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], `${ids[i]} after ${ids[i - 1]}`);
  const msOf = (id: string) => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
  assert.deepEqual(ids.map(msOf), [ms, ms, ms, ms + 1, ms + 1, ms + 1], 'the fourth id overflows into the next ms');
  for (const id of ids) assert.match(id, CANONICAL);
});

test('the dealer hands out every id of a block, blocks in order, shuffled inside', () => {
  const deal = dealer(uuidv7Generator(), 1000);
  const blocks = Array.from({ length: 5 }, () => Array.from({ length: 1000 }, deal));
  for (const b of blocks) {
    assert.equal(new Set(b).size, 1000);
    const sorted = [...b].sort();
    assert.notDeepEqual(b, sorted, 'a block comes out in random order');
  }
  for (let i = 1; i < blocks.length; i++) {
    const maxPrev = [...blocks[i - 1]].sort().at(-1)!;
    const minHere = [...blocks[i]].sort()[0];
    assert.ok(minHere > maxPrev, 'every id of a block is above the previous block');
  }
});

test('a v7 plan writes every primary key in one contiguous, increasing run of ids', () => {
  const plan: GhostPlan = {
    prefix: randomUUID(),
    projectId: randomUUID(),
    loadBalancers: 3,
    listeners: 1,
    pools: 2,
    healthMonitors: 1,
    members: 3,
    l7policies: 1,
    l7rules: 2,
    topology: 'ACTIVE_STANDBY',
    ghostBusy: true,
    batchSize: 10,
    ghostIds: 'v7',
  };
  const ids: string[] = [];
  for (let n = 1; n <= 3; n++) for (const [, row] of loadBalancerRows(plan, n)) if (row.id) ids.push(String(row.id));
  assert.equal(schemeOf(ids), 'v7');
  assert.equal(new Set(ids).size, ids.length);
  // The run's ids come from one dealt block: once it is used up, every later id is above all of them.
  const source = idsOf(plan);
  const rest = Array.from({ length: DEAL_BLOCK - ids.length }, source);
  const later = Array.from({ length: 100 }, source).sort()[0];
  assert.ok(later > [...ids, ...rest].sort().at(-1)!);
  const v4: GhostPlan = { ...plan, ghostIds: 'v4' };
  const old = [...loadBalancerRows(v4, 1)].map(([, r]) => r.id).filter((x): x is string => typeof x === 'string');
  assert.equal(schemeOf(old), 'v4');
});

test('schemeOf names one scheme, a mixture, or none', () => {
  assert.equal(schemeOf([randomUUID(), randomUUID()]), 'v4');
  assert.equal(schemeOf([idSource('v7')(), idSource('v7')()]), 'v7');
  assert.equal(schemeOf([randomUUID(), idSource('v7')()]), 'mixed');
  assert.equal(schemeOf([]), 'none');
  assert.equal(schemeOf(['not-a-uuid']), 'mixed');
});
