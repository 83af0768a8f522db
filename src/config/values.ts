// Value types shared by configuration options and command flags: one converter from the
// text a user typed (INI value or flag) to a typed value, and one description of each type
// for --help and the sample configuration.

import { UsageError } from '../errors';

/**
 * bool: yes/no words; int/float: numbers within [min, max]; string: text; strings: a
 * repeatable flag; list: comma-separated; choice: one of `choices`; dburl: a database URL.
 */
export type ValueType = 'bool' | 'int' | 'float' | 'string' | 'strings' | 'list' | 'choice' | 'dburl';

export type Value = string | number | boolean | string[];

export interface ValueSpec {
  readonly type: ValueType;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
}

const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off'];

/** true/false for a boolean word (any case), undefined for anything else. */
export function parseBool(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (TRUE_WORDS.includes(t)) return true;
  if (FALSE_WORDS.includes(t)) return false;
  return undefined;
}

/** Quotes a user's text for an error message, shortened (oneLine escapes it for the terminal). */
export function quote(text: string): string {
  return `"${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`;
}

function toNumber(spec: ValueSpec, text: string, where: string, shown: string): number {
  const n = spec.type === 'int' ? (/^[-+]?\d+$/.test(text) ? Number(text) : NaN) : Number(text);
  if (text === '' || !Number.isFinite(n)) {
    throw new UsageError(`${where}: ${shown} is not ${spec.type === 'int' ? 'an integer' : 'a number'}`);
  }
  if (spec.min !== undefined && n < spec.min) throw new UsageError(`${where}: ${n} is below the minimum ${spec.min}`);
  if (spec.max !== undefined && n > spec.max) throw new UsageError(`${where}: ${n} is above the maximum ${spec.max}`);
  return n;
}

/**
 * Converts one raw value; `where` names the option and its source in errors, which quote
 * the value only when `showValue` (a line of a file may hold a secret in the wrong place).
 * A value that is already typed (an override built in code) is converted from its text.
 */
export function convertValue(spec: ValueSpec, raw: Value, where: string, showValue = true): Value {
  const text = (Array.isArray(raw) ? raw.join(',') : String(raw)).trim();
  const shown = showValue ? quote(text) : 'the value';
  switch (spec.type) {
    case 'int':
    case 'float':
      return toNumber(spec, text, where, shown);
    case 'bool': {
      const b = parseBool(text);
      if (b === undefined) {
        throw new UsageError(`${where}: ${shown} is not a boolean (true/false, yes/no, on/off, 1/0)`);
      }
      return b;
    }
    case 'choice': {
      const up = text.toUpperCase();
      if (!spec.choices?.includes(up)) {
        throw new UsageError(`${where}: ${shown} is not one of ${spec.choices?.join(', ')}`);
      }
      return up;
    }
    case 'list':
      return text
        .split(/[,\n]/)
        .map((s) => s.trim())
        .filter((s) => s !== '');
    case 'strings':
      return Array.isArray(raw) ? raw : [text];
    case 'string':
    case 'dburl':
      return text;
  }
}

/** The type in words, with its range: "integer 1..3600", "yes/no", "one of A, B". */
export function describeType(spec: ValueSpec): string {
  const range = spec.min !== undefined ? ` ${spec.min}..${spec.max}` : '';
  switch (spec.type) {
    case 'int':
      return `integer${range}`;
    case 'float':
      return `number${range}`;
    case 'bool':
      return 'yes/no';
    case 'choice':
      return `one of ${spec.choices?.join(', ')}`;
    case 'list':
      return 'comma-separated list';
    case 'strings':
      return 'text, repeatable';
    case 'dburl':
      return 'database URL';
    case 'string':
      return 'text';
  }
}
