// The fleet: turns a ghost graph into the spec the native engine runs (every amphora of
// every ghost LB), hands it over once as msgpack, and exposes counters and send history.

import { constants } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Packr } from 'msgpackr';
import type { Config } from '../config/config';
import type { GhostGraph } from '../ghostdb/graph';
import { chunkOfGraph, fleetHeader, Handover } from './handover';
import { type NativeFleet, type NativeFleetStats, native, operatorError } from './native';
import type { FleetSpec, SpecEndpoint } from './wire';

export { reportsListener } from './handover';

/** The whole spec of a graph at once (small fleets, tests, benchmarks; runs stream a Handover). */
export function buildFleetSpec(graph: GhostGraph, cfg: Config, endpoints: SpecEndpoint[], key: string): FleetSpec {
  const header = fleetHeader(cfg, endpoints, key);
  return { ...header, ...chunkOfGraph(graph, header.version) };
}

const packer = new Packr({ useRecords: false });

/**
 * An upper bound of the packed size (strings + 5 bytes each, map keys and headers per LB,
 * pool and amphora), so msgpackr writes into one buffer instead of growing it by doubling.
 */
export function estimatePackedBytes(spec: FleetSpec): number {
  let bytes = 65536 + JSON.stringify(spec.endpoints).length + spec.key.length;
  for (const lb of spec.lbs) {
    bytes += 32;
    for (const l of lb.listeners) bytes += l.length + 5;
    for (const p of lb.pools) {
      bytes += 40 + p.id.length + p.listener.length;
      for (const m of p.members) bytes += m.length + 5;
    }
  }
  for (const a of spec.amphorae) bytes += 24 + a.id.length;
  return bytes;
}

/**
 * The spec as msgpack. msgpackr keeps its output buffer for the next call (up to 1 GiB);
 * a fleet spec is packed once, so the buffer is handed back to the GC afterwards.
 */
export function packSpec(spec: FleetSpec): Buffer {
  packer.useBuffer(Buffer.allocUnsafeSlow(estimatePackedBytes(spec)));
  const buf = packer.pack(spec);
  packer.useBuffer(Buffer.allocUnsafe(8192));
  return buf;
}

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [String(n), name]));

/** Native error counts keyed by errno number, re-keyed by name (ENOBUFS, ...). */
export function errnoNames(errors: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [n, count] of Object.entries(errors)) out[ERRNO_NAMES.get(n) ?? `errno ${n}`] = count;
  return out;
}

export interface FleetStats extends Omit<NativeFleetStats, 'errors'> {
  /** Send errors by errno name (ENOBUFS, ENETUNREACH, ...). */
  errors: Record<string, number>;
}

/** Fleets at least this large hand their spec's memory back once it is dropped. */
const RELEASE_AT_AMPHORAE = 10000;
let fullGc: (() => void) | undefined;

/**
 * A full garbage collection, then malloc_trim: the JavaScript spec and its msgpack copy are
 * garbage once the engine holds the fleet, and would otherwise stay resident for the run.
 */
function releaseSpecMemory(): void {
  if (!fullGc) {
    setFlagsFromString('--expose-gc');
    fullGc = runInNewContext('gc') as () => void;
  }
  fullGc();
  native().releaseMemory();
}

/**
 * Refuses, before anything is written, an endpoint the kernel cannot send to (for example
 * 255.255.255.255): a socket per endpoint is opened and connected, as the fleet will.
 */
export function checkEndpoints(endpoints: SpecEndpoint[]): void {
  try {
    native().checkEndpoints(endpoints);
  } catch (e) {
    throw operatorError(e);
  }
}

/** A running fleet: the native threads send; JavaScript only reads counters. */
export class Fleet {
  readonly amphoraIds: string[];
  private readonly handle: NativeFleet;
  private stopped = false;
  private history?: { depth: number; times: Float64Array; seqs: Float64Array };

  /**
   * Validates the spec (message size, endpoints: each socket is connected here) and encodes the
   * first heartbeats of each sender's ring, without sending. A whole spec is packed at once; a
   * Handover already holds its fleet natively (the handover is spent afterwards).
   */
  constructor(spec: FleetSpec | Handover) {
    const streamed = spec instanceof Handover;
    this.amphoraIds = streamed ? spec.amphoraIds : spec.amphorae.map((a) => a.id);
    try {
      this.handle = new (native().Fleet)(streamed ? spec.builder : packSpec(spec));
    } catch (e) {
      throw operatorError(e);
    }
    if (this.amphoraIds.length >= RELEASE_AT_AMPHORAE) setImmediate(releaseSpecMemory);
  }

  start(): void {
    this.handle.start();
  }

  maxPacketBytes(): number {
    return this.handle.maxPacketBytes();
  }

  stats(): FleetStats {
    const s = this.handle.stats();
    return { ...s, errors: errnoNames(s.errors) };
  }

  /**
   * Epoch-ms times and seqs of each amphora's last `depth` sends (amphora i at i*depth..).
   * The arrays are the fleet's own, refilled by every call (a poll allocates nothing).
   */
  sendHistory(): { depth: number; times: Float64Array; seqs: Float64Array } {
    if (!this.history) {
      const n = this.amphoraIds.length * native().historyDepth;
      this.history = { depth: native().historyDepth, times: new Float64Array(n), seqs: new Float64Array(n) };
    }
    this.handle.history(this.history.times, this.history.seqs);
    return this.history;
  }

  stop(): FleetStats {
    if (!this.stopped) {
      this.stopped = true;
      this.handle.stop();
    }
    return this.stats();
  }
}
