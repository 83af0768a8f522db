// JSON text exactly as Python's json.dumps writes it with its defaults, which is what an
// amphora's health sender puts on the wire: ", " and ": " separators, ensure_ascii (every
// character outside space..~ escaped as \uXXXX in lowercase hex; astral characters as their
// UTF-16 surrogate pair, which is how JavaScript already stores them), integers in decimal.
// Keys keep the object's order (JavaScript puts integer-like keys first; heartbeat keys are
// UUIDs, never integer-like).

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

export function pyString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && ch !== '"' && ch !== '\\') out += ch;
    else out += SHORT_ESCAPES[ch] ?? `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/** json.dumps(value), or with `compact` json.dumps(value, separators=(",", ":")). */
export function pyJsonDumps(value: unknown, compact = false): string {
  const item = compact ? ',' : ', ';
  const key = compact ? ':' : ': ';
  const dump = (v: unknown): string => {
    if (typeof v === 'string') return pyString(v);
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new RangeError(`pyJsonDumps: ${v} is not a safe integer`);
      return String(v);
    }
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (v === null) return 'null';
    if (Array.isArray(v)) return `[${v.map(dump).join(item)}]`;
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      return `{${entries.map(([k, x]) => pyString(k) + key + dump(x)).join(item)}}`;
    }
    throw new TypeError(`pyJsonDumps: cannot serialise ${typeof v}`);
  };
  return dump(value);
}
