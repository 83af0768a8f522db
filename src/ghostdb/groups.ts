// Ghost rows grouped for writing: transactions of whole load balancers (bounded by batch_size
// and a row budget) whose rows are generated lazily in pieces of bounded size, so memory stays
// one piece deep whatever the multipliers; and one sample row per table to plan INSERTs from.

import { UsageError } from '../errors';
import { type GhostPlan, rowsOfLb, rowsPerLb, type TableRows } from './ghosts';
import { loadBalancerRows } from './rows';

/** Rows handed to the database per piece (one batch() per table of the piece). */
const PIECE_ROWS = 20_000;
/** Whole load balancers share one transaction up to this many rows (at least one LB, at most batch_size). */
export const TX_ROWS = 50_000;
/**
 * One load balancer's graph is written in one transaction (an interrupt never leaves a partial graph);
 * a graph larger than this is refused before anything is written.
 */
export const MAX_ROWS_PER_LB = 1_000_000;

/** Refuses, up front, a plan whose single load balancer cannot be written as one transaction. */
export function checkPlanSize(p: GhostPlan): void {
  const n = rowsPerLb(p);
  if (n > MAX_ROWS_PER_LB) {
    const rows = n.toLocaleString('en-US');
    throw new UsageError(
      `one ghost load balancer would have ${rows} rows (listeners x pools x members...);` +
        ` at most ${MAX_ROWS_PER_LB.toLocaleString('en-US')} fit in one transaction: lower the per-LB multipliers`,
    );
  }
}

/** One transaction's worth of whole load balancers; its rows are generated lazily, piece by piece. */
export interface TxGroup {
  firstLb: number;
  lbs: number;
  rows: number;
  pieces(): Generator<TableRows>;
}

/** Load balancers per transaction: bounded by batch_size and by TX_ROWS rows, at least one. */
function lbsPerGroup(p: GhostPlan): number {
  if (rowsPerLb(p) === 0) return Math.max(1, p.batchSize);
  return Math.max(1, Math.min(p.batchSize, Math.floor(TX_ROWS / rowsPerLb(p))));
}

function* piecesOf(p: GhostPlan, first: number, last: number, pieceRows: number): Generator<TableRows> {
  const at = new Date();
  let piece: TableRows = new Map();
  let n = 0;
  for (let lbN = first; lbN <= last; lbN++) {
    for (const [table, row] of loadBalancerRows(p, lbN, at)) {
      const list = piece.get(table);
      if (list) list.push(row);
      else piece.set(table, [row]);
      if (++n === pieceRows) {
        yield piece;
        piece = new Map();
        n = 0;
      }
    }
  }
  if (n > 0) yield piece;
}

/** Yields transaction groups: memory stays one piece deep, however large a load balancer is. */
export function* generateGroups(p: GhostPlan, pieceRows = PIECE_ROWS): Generator<TxGroup> {
  checkPlanSize(p);
  const per = lbsPerGroup(p);
  for (let first = 1; first <= p.loadBalancers; first += per) {
    const last = Math.min(p.loadBalancers, first + per - 1);
    const lbs = last - first + 1;
    let rows = 0;
    for (let lbN = first; lbN <= last; lbN++) rows += p.shapes ? rowsOfLb(p, lbN) : rowsPerLb(p);
    yield { firstLb: first, lbs, rows, pieces: () => piecesOf(p, first, last, pieceRows) };
  }
}

/** One row of each table a plan writes (the shapes INSERT statements are planned from). */
export function sampleRows(p: GhostPlan): TableRows {
  const one = (n: number) => Math.min(1, n);
  // A profile plan may write any table: its sample is one LB with one of everything.
  const full = p.shapes !== undefined;
  const mini: GhostPlan = {
    ...p,
    shapes: undefined,
    churn: undefined,
    loadBalancers: 1,
    listeners: full ? 1 : one(p.listeners),
    pools: full ? 1 : one(p.pools),
    members: 1,
    healthMonitors: full ? 1 : p.healthMonitors,
    l7policies: full ? 1 : one(p.l7policies),
    l7rules: full ? 1 : one(p.l7rules),
    topology: 'SINGLE',
  };
  const out: TableRows = new Map();
  for (const [table, row] of loadBalancerRows(mini, 1)) if (!out.has(table)) out.set(table, [row]);
  return out;
}
