// The streamed handover of a fleet to the native engine: its settings first, then chunks of
// load balancers with their amphorae, each packed and parsed as it comes, so neither side
// ever holds the whole fleet twice (memory stays flat, however large the fleet). What the run
// needs afterwards is kept as ids only: amphorae (monitor, sweep) and listeners (sweep).

import { availableParallelism } from 'node:os';
import { Packr } from 'msgpackr';
import type { Config } from '../config/config';
import type { GhostGraph, GraphListener, GraphLoadBalancer } from '../ghostdb/graph';
import { type NativeFleetBuilder, native, operatorError } from './native';
import { AMPHORA_ZLIB_LEVEL, type FleetSpec, type SpecAmphora, type SpecEndpoint, type SpecLb } from './wire';

/** A fleet's settings: everything but its load balancers and amphorae. */
export type FleetHeader = Omit<FleetSpec, 'lbs' | 'amphorae'>;

/** Load balancers and their amphorae; an amphora's `lb` indexes this chunk's `lbs`. */
export interface SpecChunk {
  lbs: SpecLb[];
  amphorae: SpecAmphora[];
}

/**
 * Does an amphora report this listener? v2/v3: every enabled listener. v1 (no "ver"): a UDP listener
 * only once its default pool has a member (the HM discounts the others: _update_listener_count_for_UDP).
 */
export function reportsListener(l: GraphListener, lb: GraphLoadBalancer, version: number): boolean {
  if (version >= 2 || l.protocol !== 'UDP') return true;
  const pool = l.defaultPoolId ? lb.pools.find((p) => p.id === l.defaultPoolId) : undefined;
  return (pool?.memberIds.length ?? 0) > 0;
}

export function fleetHeader(cfg: Config, endpoints: SpecEndpoint[], key: string): FleetHeader {
  return {
    key,
    version: cfg.heartbeatVersion,
    intervalMs: cfg.heartbeatInterval * 1000,
    legacyDigest: cfg.legacyDigest,
    burst: cfg.burst,
    threads: cfg.senderThreads > 0 ? cfg.senderThreads : availableParallelism(),
    zlibLevel: AMPHORA_ZLIB_LEVEL,
    churn: {
      down: cfg.memberDownShare,
      drain: cfg.memberDrainShare,
      maint: cfg.memberMaintShare,
      nocheck: cfg.memberNocheckShare,
      listenerFull: cfg.listenerFullShare,
      perInterval: cfg.churnPerInterval,
    },
    endpoints,
  };
}

/** A graph (or part of one) as a chunk: every amphora of every LB, in the graph's order. */
export function chunkOfGraph(graph: GhostGraph, version: number): SpecChunk {
  const chunk: SpecChunk = { lbs: [], amphorae: [] };
  graph.loadBalancers.forEach((lb, i) => {
    chunk.lbs.push({
      listeners: lb.listeners.filter((l) => reportsListener(l, lb, version)).map((l) => l.id),
      pools: lb.pools.map((p) => ({ id: p.id, listener: p.listenerId, members: p.memberIds })),
    });
    for (const a of lb.amphorae) chunk.amphorae.push({ id: a.id, lb: i });
  });
  return chunk;
}

const packer = new Packr({ useRecords: false });

/** A fleet header as the native engine reads it (msgpack). */
export function packHeader(header: FleetHeader): Buffer {
  return packer.pack(header);
}

/** A fleet being handed over; `new Fleet(handover)` starts it once every chunk is in. */
export class Handover {
  readonly amphoraIds: string[] = [];
  /** Every listener of the fleet's LBs (the HM's listener_statistics rows are swept by them). */
  readonly listenerIds: string[] = [];
  loadBalancers = 0;
  /** The whole spec as handed over, kept only when asked (tests compare the database with it). */
  readonly spec?: FleetSpec;
  readonly builder: NativeFleetBuilder;

  constructor(
    readonly header: FleetHeader,
    keepSpec = false,
  ) {
    try {
      this.builder = new (native().FleetBuilder)(packHeader(header));
    } catch (e) {
      throw operatorError(e);
    }
    if (keepSpec) this.spec = { ...header, lbs: [], amphorae: [] };
  }

  /** Hands a chunk over (parsed natively now: the chunk can be dropped after this). */
  add(chunk: SpecChunk): void {
    try {
      this.builder.add(packer.pack(chunk));
    } catch (e) {
      throw operatorError(e);
    }
    if (this.spec) {
      const base = this.spec.lbs.length;
      this.spec.lbs.push(...chunk.lbs);
      for (const a of chunk.amphorae) this.spec.amphorae.push({ id: a.id, lb: base + a.lb });
    }
    for (const a of chunk.amphorae) this.amphoraIds.push(a.id);
    this.loadBalancers += chunk.lbs.length;
  }

  /** Hands a graph part over: its chunk, and its listener ids kept for the sweep. */
  addGraph(graph: GhostGraph): void {
    this.add(chunkOfGraph(graph, this.header.version));
    for (const lb of graph.loadBalancers) for (const l of lb.listeners) this.listenerIds.push(l.id);
  }
}
