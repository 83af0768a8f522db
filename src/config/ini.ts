// INI reader with oslo.config's rules: [sections], `key = value` or `key: value`,
// `#`/`;` comment lines, indented continuation lines, later keys override earlier ones.

export type IniData = Map<string, Map<string, string>>;

export function parseIni(text: string, source = '<ini>'): IniData {
  const data: IniData = new Map();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (/^\s*([#;].*)?$/.test(raw)) return;
    if (/^\s/.test(raw) && section && lastKey !== undefined) {
      section.set(lastKey, `${section.get(lastKey)}\n${raw.trim()}`);
      return;
    }
    const head = /^\[([^\]]+)\]\s*$/.exec(raw.trim());
    if (head) {
      const name = head[1].trim();
      section = data.get(name) ?? new Map();
      data.set(name, section);
      lastKey = undefined;
      return;
    }
    const kv = /^([^=:\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(raw.trim());
    if (!kv || !section) {
      throw new Error(`${source}:${i + 1}: cannot parse line: ${raw.trim().slice(0, 60)}`);
    }
    lastKey = kv[1].replace(/-/g, '_');
    section.set(lastKey, kv[2].trim());
  });
  return data;
}
