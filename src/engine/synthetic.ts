// Synthetic fleets that exist nowhere but in memory (blast, benchmarks): compact, flat ids
// from a counter, and a fleet of one-listener, one-pool LBs handed over chunk by chunk, so
// memory stays flat at any size. (crypto.randomUUID() strings are ropes of ~491 bytes each.)

import type { Handover, SpecChunk } from './handover';

const HEX = '0123456789abcdef';
const scratch = Buffer.from('00000000-0000-4000-8000-000000000000', 'latin1');

/**
 * A valid UUID string (version 4 layout) for object `n` of kind `kind` (0..65535), one flat
 * 36-byte string: written into a buffer and decoded once, never concatenated.
 */
export function syntheticId(kind: number, n: number): string {
  for (let i = 0, k = kind; i < 4; i++, k >>>= 4) scratch[7 - i] = HEX.charCodeAt(k & 15);
  let v = n;
  for (let i = 0; i < 12; i++) {
    scratch[35 - i] = HEX.charCodeAt(v % 16);
    v = Math.floor(v / 16);
  }
  return scratch.toString('latin1');
}

/** Id heads per kind (the first group), for ids that only pass through a chunk. */
const HEADS = new Map<number, string>();

/** The same id as syntheticId, as a (cheaper) concatenation: for ids dropped once their chunk is handed over. */
export function passingId(kind: number, n: number): string {
  let head = HEADS.get(kind);
  if (head === undefined) {
    head = `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-`;
    HEADS.set(kind, head);
  }
  return head + n.toString(16).padStart(12, '0');
}

/** Kinds of synthetic object (the id's first group). */
const LISTENER = 1;
const POOL = 2;
const MEMBER = 3;
const AMPHORA = 4;

/**
 * Hands over `lbs` synthetic LBs in chunks of `chunkLbs`: one listener and one pool of
 * `members` members each, and `amphoraePerLb` amphorae each.
 */
export function handOverSynthetic(
  h: Handover,
  lbs: number,
  amphoraePerLb: number,
  members: number,
  chunkLbs = 10_000,
): void {
  for (let first = 0; first < lbs; first += chunkLbs) {
    const chunk: SpecChunk = { lbs: [], amphorae: [] };
    for (let b = first; b < Math.min(lbs, first + chunkLbs); b++) {
      const listener = passingId(LISTENER, b);
      const ms = Array.from({ length: members }, (_, m) => passingId(MEMBER, b * members + m));
      chunk.lbs.push({ listeners: [listener], pools: [{ id: passingId(POOL, b), listener, members: ms }] });
      // amphora ids stay (the fleet's amphoraIds): flat ones
      for (let a = 0; a < amphoraePerLb; a++) {
        chunk.amphorae.push({ id: syntheticId(AMPHORA, b * amphoraePerLb + a), lb: b - first });
      }
    }
    h.add(chunk);
  }
}
