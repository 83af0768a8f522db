// The Debian mirror the host itself installs from, read from its apt sources
// (/etc/apt/sources.list and sources.list.d/*.list one-line entries, *.sources deb822
// stanzas): the first `deb` entry that serves the host's own release (VERSION_CODENAME).
// No mirror host is ever written into stresshm; STRESSHM_DEBIAN_MIRROR overrides.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  enabled: boolean;
}

/** One-line entries: `deb [opts] URI SUITE COMPONENT...`; comments and deb-src ignored. */
export function parseOneLineSources(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^(deb|deb-src)\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (m) out.push({ types: [m[1]], uris: [m[2]], suites: [m[3]], enabled: true });
  }
  return out;
}

/** deb822 stanzas separated by blank lines: Types, URIs, Suites, Enabled. */
export function parseDeb822Sources(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = '';
    for (const raw of stanza.split('\n')) {
      if (raw.startsWith('#')) continue;
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(raw);
      if (m) {
        last = m[1].toLowerCase();
        fields.set(last, m[2].trim());
      } else if (/^\s/.test(raw) && last) {
        fields.set(last, `${fields.get(last)} ${raw.trim()}`);
      }
    }
    const words = (k: string) => (fields.get(k) ?? '').split(/\s+/).filter(Boolean);
    if (!fields.has('uris')) continue;
    const enabled = fields.get('enabled') !== 'no';
    out.push({ types: words('types'), uris: words('uris'), suites: words('suites'), enabled });
  }
  return out;
}

/** The first enabled `deb` URI whose suites include `codename` exactly (not -security, -updates). */
export function pickMirror(sources: AptSource[], codename: string): string | undefined {
  const s = sources.find((x) => x.enabled && x.types.includes('deb') && x.suites.includes(codename));
  return s?.uris[0]?.replace(/\/+$/, '');
}

/** Every source the host's apt reads (files apt ignores, like *.disabled, are skipped). */
export function hostAptSources(etc = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const main = join(etc, 'sources.list');
  if (existsSync(main)) out.push(...parseOneLineSources(readFileSync(main, 'utf8')));
  const dir = join(etc, 'sources.list.d');
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const f of files) {
    const text = () => readFileSync(join(dir, f), 'utf8');
    if (f.endsWith('.list')) out.push(...parseOneLineSources(text()));
    else if (f.endsWith('.sources')) out.push(...parseDeb822Sources(text()));
  }
  return out;
}

export function hostCodename(osRelease = '/etc/os-release'): string | undefined {
  if (!existsSync(osRelease)) return undefined;
  return /^VERSION_CODENAME=("?)([^"\n]*)\1$/m.exec(readFileSync(osRelease, 'utf8'))?.[2] || undefined;
}

/** The mirror to debootstrap from, or undefined when the host names none. */
export function hostMirror(): string | undefined {
  const override = process.env.STRESSHM_DEBIAN_MIRROR;
  if (override) return override;
  const codename = hostCodename();
  return codename ? pickMirror(hostAptSources(), codename) : undefined;
}
