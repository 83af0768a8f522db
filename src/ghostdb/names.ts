// The ghost name grammar, in one place: a run prefix is a canonical lowercase UUID, a ghost
// load balancer is named exactly `<prefix>-lb<N>` (N a positive integer, no leading zero).
// Matching is byte-exact in SQL and in JavaScript alike: Octavia's tables use case-insensitive
// collations (and pad spaces), and MariaDB's REGEXP `$` also matches before a final "\n", so
// every SQL test here is on BINARY values, anchored at the start only, with the tail checked
// for "no non-digit at all" instead of an end anchor.

import { UsageError } from '../errors';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const PREFIX_RE = new RegExp(`^${UUID}$`);
const GHOST_LB_RE = new RegExp(`^(${UUID})-lb[1-9][0-9]*$`);
/** Length of `<prefix>-lb`; the index N starts right after it. */
const LB_NAME_HEAD_CHARS = 36 + 3;
/** SQL: the head of a ghost name up to N's first digit (anchored at the start, binary operand). */
const SQL_HEAD_REGEXP = `^${UUID}-lb[1-9]`;

/** Refuses anything but a canonical run prefix: no empty, partial, wildcard, padded or uppercase IDs. */
export function validatePrefix(prefix: string | undefined): string {
  const p = prefix ?? '';
  if (p === '') throw new UsageError('a prefix ID is required (as printed by populate, or see `stresshm list`)');
  if (!PREFIX_RE.test(p)) {
    const shown = JSON.stringify(p.length > 60 ? `${p.slice(0, 60)}...` : p);
    throw new UsageError(
      `${shown} is not a stresshm prefix ID (a lowercase UUID as printed by populate);` +
        ' wildcards, partial and uppercase prefixes are refused',
    );
  }
  return p;
}

/** Escapes LIKE wildcards so the prefix matches literally (used with ESCAPE '\\'). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** LIKE pattern of one run's load balancer names (a range the name index can serve, then checked exactly). */
export function lbNamePattern(prefix: string): string {
  return `${escapeLike(prefix)}-lb%`;
}

export function lbName(prefix: string, n: number): string {
  return `${prefix}-lb${n}`;
}

/** The JavaScript twin of the SQL test: is `name` a ghost LB name (of `prefix`, when given)? */
export function isGhostLbName(name: string | null | undefined, prefix?: string): boolean {
  const m = GHOST_LB_RE.exec(name ?? '');
  return m !== null && (prefix === undefined || m[1] === prefix);
}

/** N of a ghost LB name. */
export function lbIndex(name: string): number {
  return Number(name.slice(LB_NAME_HEAD_CHARS));
}

interface SqlTest {
  sql: string;
  params: unknown[];
}

/** SQL: `expr` (a non-NULL string expression) is a ghost LB name of any prefix. */
export function ghostNameSql(expr: string): SqlTest {
  return {
    sql: `(BINARY ${expr} REGEXP ? AND BINARY SUBSTRING(${expr}, ${LB_NAME_HEAD_CHARS + 2}) NOT REGEXP '[^0-9]')`,
    params: [SQL_HEAD_REGEXP],
  };
}

/**
 * SQL: column `col` is a ghost LB name of `prefix`. The LIKE is a prefix range in the column's
 * collation (index-friendly when the column has an index), the rest is the exact binary test.
 */
export function prefixNameSql(col: string, prefix: string): SqlTest {
  const p = validatePrefix(prefix);
  const exact = ghostNameSql(col);
  return {
    sql: `(${col} LIKE ? ESCAPE '\\\\' AND BINARY LEFT(${col}, ${LB_NAME_HEAD_CHARS}) = ? AND ${exact.sql})`,
    params: [lbNamePattern(p), `${p}-lb`, ...exact.params],
  };
}
