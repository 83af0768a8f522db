// INI reader with oslo.config's rules: [sections], `key = value` or `key: value`,
// `#`/`;` comment lines, indented continuation lines, later keys override earlier ones.
// A line it cannot read is named by file and line number only: its text may be a secret.

import { UsageError } from '../errors';

export interface IniEntry {
  value: string;
  line: number;
}
export type IniData = Map<string, Map<string, IniEntry>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

interface State {
  data: IniData;
  section?: Map<string, IniEntry>;
  lastKey?: string;
}

function readLine(st: State, raw: string, where: string, line: number): void {
  if (/^\s*([#;].*)?$/.test(raw)) return;
  const last = st.lastKey !== undefined ? st.section?.get(st.lastKey) : undefined;
  if (/^\s/.test(raw) && last) {
    last.value = `${last.value}\n${raw.trim()}`;
    return;
  }
  const head = /^\[([^\]]+)\]$/.exec(raw.trim());
  if (head) {
    const name = head[1].trim();
    st.section = st.data.get(name) ?? new Map();
    st.data.set(name, st.section);
    st.lastKey = undefined;
    return;
  }
  const kv = /^([^=:\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(raw.trim());
  if (!kv || !NAME.test(kv[1])) {
    throw new UsageError(
      `${where}: not a "[section]" or "name = value" line (its text is not shown: it may hold a secret)`,
    );
  }
  if (!st.section) throw new UsageError(`${where}: option "${kv[1]}" comes before any [section]`);
  st.lastKey = kv[1].replace(/-/g, '_');
  st.section.set(st.lastKey, { value: kv[2].trim(), line });
}

export function parseIni(text: string, source = '<ini>'): IniData {
  const st: State = { data: new Map() };
  text.split(/\r?\n/).forEach((raw, i) => {
    readLine(st, raw, `${source}:${i + 1}`, i + 1);
  });
  return st.data;
}
