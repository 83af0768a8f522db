// Loads the C++ addon (build/Release/stresshm_native.node) and types its surface.

import { join } from 'node:path';
import { EnvError, UsageError } from '../errors';

export interface NativeFleetStats {
  sent: number;
  bytes: number;
  late: number;
  errors: Record<string, number>;
  /** Empty, or the error that stopped a sender thread (threads never abort the process). */
  failure: string;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  cpuSeconds: number;
  threads: number;
  startedAtMs: number;
  elapsedMs: number;
  /** Heartbeats the schedule made due within elapsedMs: the load the fleet was asked to offer. */
  due: number;
}

export interface NativeFleet {
  start(): void;
  stop(): void;
  stats(): NativeFleetStats;
  /** Fills times and seqs (amphorae x historyDepth values each); returns the depth. */
  history(times: Float64Array, seqs: Float64Array): number;
  maxPacketBytes(): number;
}

/** A fleet spec handed over in chunks (msgpack each): header first, then {lbs, amphorae} chunks. */
export interface NativeFleetBuilder {
  add(chunk: Buffer): void;
  amphorae(): number;
}

export interface BlastResult {
  packetsPerThread: number[];
  seconds: number;
  bytes: number;
  packetBytes: number;
  /** Encoded while sending (more amphorae than blastReplayPackets), not replayed. */
  encodedLive: boolean;
  errors: Record<string, number>;
  /** Empty, or the error that stopped a blast thread. */
  failure: string;
}

/** The `code` of a native error: an unusable endpoint, or a fleet spec the engine refuses. */
export const ENDPOINT_ERROR = 'ERR_STRESSHM_ENDPOINT';

/** A native error as the operator's error: an unusable endpoint is environmental (exit 3). */
export function operatorError(e: unknown): Error {
  const err = e as Error & { code?: string };
  if (err.code === ENDPOINT_ERROR) return new EnvError(err.message);
  if (err instanceof TypeError || err instanceof RangeError) return err;
  return new UsageError(err.message);
}
export const SPEC_ERROR = 'ERR_STRESSHM_SPEC';

export interface NativeSinkStats {
  packets: number;
  valid: number;
  invalid: number;
  bytes: number;
  cpuSeconds: number;
  /** Empty, or the error that stopped the sink's thread. */
  failure: string;
}

export interface NativeSink {
  port(): number;
  stats(): NativeSinkStats;
  stop(): void;
}

/** CPU seconds per heartbeat of the calling thread: the best and the median of 10 batches. */
export interface StageTime {
  best: number;
  median: number;
}

/** benchEncode's figures; `allocs` counts the whole encoder's heap allocations when
 * bench/c/malloc_count.c is preloaded (LD_PRELOAD), and is -1 otherwise. */
export interface EncodeTimes {
  total: StageTime;
  json: StageTime;
  deflate: StageTime;
  hmac: StageTime;
  allocs: number;
  heartbeats: number;
}

export interface NativeAddon {
  /** The packet of amphora's heartbeat `seq` (from 0). */
  encodeHeartbeat(spec: Buffer, amphora: number, seq: number): Buffer;
  /** Opens and connects a UDP socket per endpoint; throws (code ENDPOINT_ERROR) naming an unusable one. */
  checkEndpoints(endpoints: Array<{ host: string; port: number }>): void;
  /** Replays every amphora's first heartbeat; a builder's spec is taken (the builder is spent). */
  blast(spec: Buffer | NativeFleetBuilder, durationMs: number): Promise<BlastResult>;
  /**
   * blast() of a synthetic fleet generated natively (src/engine/synthetic.ts's ids and LBs: one
   * listener and one pool of `members` members per amphora), so memory stays flat at any size.
   */
  blastSynthetic(header: Buffer, amphorae: number, members: number, durationMs: number): Promise<BlastResult>;
  /** The first heartbeat of a synthetic fleet's amphora, as blastSynthetic sends it. */
  encodeSynthetic(header: Buffer, amphorae: number, members: number, amphora: number): Buffer;
  /** A blast of at most this many amphorae is encoded once and replayed; a larger one is encoded while sent. */
  blastReplayPackets: number;
  /** Encodes `count` consecutive heartbeats of one amphora, whole and stage by stage (bench/encode.ts). */
  benchEncode(spec: Buffer, amphora: number, count: number): EncodeTimes;
  blastPayload(
    host: string,
    port: number,
    payloadBytes: number,
    threads: number,
    durationMs: number,
  ): Promise<BlastResult>;
  /** zlib.compress(data, level) with the engine's zlib (the system's, as Python uses). */
  deflate(data: Buffer, level: number): Buffer;
  /** Heartbeats a schedule makes due within elapsedMs of its start (as NativeFleetStats.due). */
  dueWithin(amphorae: number, intervalMs: number, burst: boolean, elapsedMs: number): number;
  /** Version of the zlib whose deflate the engine calls (the system's, not node's bundled one). */
  zlibVersion: string;
  /** malloc_trim(0): return the C heap's free pages to the system. */
  releaseMemory(): void;
  /** Sends remembered per amphora by Fleet.history. */
  historyDepth: number;
  Fleet: new (spec: Buffer | NativeFleetBuilder) => NativeFleet;
  FleetBuilder: new (header: Buffer) => NativeFleetBuilder;
  Sink: new (host: string, port: number, key: string) => NativeSink;
}

let addon: NativeAddon | undefined;

export function native(): NativeAddon {
  if (!addon) {
    const path = join(__dirname, '..', '..', '..', 'build', 'Release', 'stresshm_native.node');
    try {
      addon = require(path) as NativeAddon;
    } catch (e) {
      const why = (e as Error).message.split('\n')[0];
      throw new EnvError(`the native heartbeat engine is not built (${path}): run npm install (${why})`);
    }
  }
  return addon;
}
