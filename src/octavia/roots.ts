// Debian roots holding another Octavia release (trixie's 16, sid's 19): built once with
// debootstrap from the host's own mirror into a temporary directory, checked (the HM binary
// is there, Octavia and its database driver import), marked, then renamed into the cache;
// reused while the mark holds. A root without the mark (a build that died, a damaged copy)
// is moved aside and rebuilt. Two processes building at once never share a directory.

import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { EnvError } from '../errors';
import { pidAlive, withDirLock } from './dirlock';
import { hostMirror } from './mirror';

export const MARKER = '.stresshm-root';
const HM = 'usr/bin/octavia-health-manager';
export const ROOT_PACKAGES = ['python3-octavia', 'python3-pymysql', 'python3-cffi-backend'];

export function rootsDir(): string {
  return process.env.STRESSHM_ROOTS_DIR ?? '/var/cache/stresshm/roots';
}

export type RootState = 'ready' | 'partial' | 'absent';

/** ready: marked and the HM is there; partial: the directory exists without both. */
export function rootState(root: string): RootState {
  if (!existsSync(root)) return 'absent';
  return existsSync(join(root, MARKER)) && existsSync(join(root, HM)) ? 'ready' : 'partial';
}

/** Mount points at or below `dir`, deepest first (from /proc/mounts). */
export function mountsUnder(dir: string): string[] {
  const lines = readFileSync('/proc/mounts', 'utf8').split('\n');
  const points = lines
    .map((l) => l.split(' ')[1])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\040/g, ' '))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return points.sort((a, b) => b.length - a.length);
}

/** Removes a directory tree after unmounting anything left mounted in it (a killed debootstrap). */
export function removeTree(dir: string): void {
  for (const m of mountsUnder(dir)) spawnSync('umount', ['-l', m]);
  if (mountsUnder(dir).length) throw new EnvError(`cannot remove ${dir}: ${mountsUnder(dir)[0]} stays mounted`);
  rmSync(dir, { recursive: true, force: true });
}

/** Builds into `tmp`; throws a one-line EnvError on failure. Replaceable for the cache's own tests. */
export type RootBuilder = (suite: string, tmp: string, say: (s: string) => void) => void;

/** Leftover temporary builds of `suite` whose builder died. */
function removeDeadBuilds(dir: string, suite: string): void {
  for (const f of readdirSync(dir)) {
    const m = new RegExp(`^\\.${suite}\\.(?:build|old)-(\\d+)$`).exec(f);
    if (m && !pidAlive(Number(m[1]))) removeTree(join(dir, f));
  }
}

export interface RootOptions {
  say?: (s: string) => void;
  builder?: RootBuilder;
  lockTimeoutMs?: number;
}

/** The cached root of `suite`, built first when absent or partial. */
export async function ensureRoot(suite: string, o: RootOptions = {}): Promise<string> {
  const dir = rootsDir();
  const root = join(dir, suite);
  const say = o.say ?? (() => undefined);
  if (rootState(root) === 'ready') return root;
  const builder = o.builder ?? debootstrapRoot;
  if (!o.builder) checkCanBuild(suite);
  mkdirSync(dir, { recursive: true });
  await withDirLock(
    join(dir, `.${suite}.lock`),
    () => {
      const state = rootState(root);
      if (state === 'ready') return;
      removeDeadBuilds(dir, suite);
      if (state === 'partial') {
        say(`The cached root ${root} is incomplete (no ${MARKER} or no ${HM}); rebuilding it.\n`);
        const aside = join(dir, `.${suite}.old-${process.pid}`);
        renameSync(root, aside);
        removeTree(aside);
      }
      const tmp = join(dir, `.${suite}.build-${process.pid}`);
      try {
        builder(suite, tmp, say);
        if (!existsSync(join(tmp, HM))) throw new EnvError(`the ${suite} root has no /${HM} after its build`);
        writeFileSync(join(tmp, MARKER), `${JSON.stringify({ suite, built: new Date().toISOString() })}\n`);
        moveIntoPlace(tmp, root);
      } catch (e) {
        if (existsSync(tmp)) removeTree(tmp);
        throw e;
      }
    },
    30 * 60000,
    `building the ${suite} root`,
  );
  if (rootState(root) !== 'ready') throw new EnvError(`the ${suite} root in ${root} is not usable after its build`);
  return root;
}

/** Renames a finished build into place; when another process got there first, its root is kept. */
function moveIntoPlace(tmp: string, root: string): void {
  try {
    renameSync(tmp, root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || rootState(root) !== 'ready') throw e;
    removeTree(tmp);
  }
}

/** Not root, no debootstrap (and cannot install it), no mirror: one line with the command to run. */
function checkCanBuild(suite: string): void {
  const asRoot = process.getuid?.() === 0;
  if (!asRoot) {
    throw new EnvError(
      `building the Debian ${suite} root for Octavia needs root; ` +
        `run as root: node bin/stresshm.js sandbox --octavia ${suite}`,
    );
  }
  if (!hasDebootstrap()) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const r = spawnSync('apt-get', ['install', '-y', '-q', 'debootstrap'], { env, encoding: 'utf8' });
    if (r.status !== 0 || !hasDebootstrap()) {
      throw new EnvError(
        'debootstrap is missing and could not be installed; ' + 'run: apt-get update && apt-get install -y debootstrap',
      );
    }
  }
  if (!hostMirror()) {
    throw new EnvError(
      "no Debian mirror for the host's release in /etc/apt/sources.list(.d); " +
        'run with STRESSHM_DEBIAN_MIRROR=URL (your Debian mirror)',
    );
  }
}

function hasDebootstrap(): boolean {
  return existsSync('/usr/sbin/debootstrap');
}

/** The real build: debootstrap minbase with Octavia, then apt told to accept an expired snapshot. */
export const debootstrapRoot: RootBuilder = (suite, tmp, say) => {
  const mirror = hostMirror()!;
  const log = `${tmp}.log`;
  say(
    `Building a Debian ${suite} root with Octavia in ${tmp} from ${mirror} ` +
      `(debootstrap, a few minutes; log ${log})...\n`,
  );
  const fd = openSync(log, 'w');
  try {
    const args = ['--variant=minbase', `--include=${ROOT_PACKAGES.join(',')}`, suite, tmp, mirror];
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const r = spawnSync('debootstrap', args, { stdio: ['ignore', fd, fd], env });
    if (r.status !== 0) {
      const problems = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .filter((l) => /^[EW]:/.test(l));
      const tail = problems[problems.length - 1] ?? `status ${r.status}`;
      throw new EnvError(`debootstrap of ${suite} failed (${tail}); log ${log}`);
    }
  } finally {
    closeSync(fd);
  }
  writeFileSync(join(tmp, 'etc/apt/apt.conf.d/99stresshm'), 'Acquire::Check-Valid-Until "false";\n');
  const imports = 'import octavia, pymysql, cryptography.hazmat.bindings._rust';
  const check = spawnSync('chroot', [tmp, '/usr/bin/python3', '-c', imports], { encoding: 'utf8', env: chrootEnv() });
  if (check.status !== 0) {
    const last = String(check.stderr).trim().split('\n').slice(-1)[0];
    throw new EnvError(`the ${suite} root cannot import Octavia: ${last}`);
  }
  rmSync(log, { force: true });
};

/** A plain environment for programs in a root (nothing of the host's Python or node leaks in). */
export function chrootEnv(): NodeJS.ProcessEnv {
  return { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', HOME: '/root' };
}

/** Version of a Debian package installed in `root` (from its dpkg status), e.g. 19.0.0-1. */
export function packageVersion(root: string, pkg: string): string | undefined {
  const status = join(root, 'var/lib/dpkg/status');
  if (!existsSync(status)) return undefined;
  for (const stanza of readFileSync(status, 'utf8').split(/\n\n+/)) {
    if (new RegExp(`^Package: ${pkg}$`, 'm').test(stanza) && /^Status: install ok installed$/m.test(stanza)) {
      return /^Version: (.+)$/m.exec(stanza)?.[1];
    }
  }
  return undefined;
}
