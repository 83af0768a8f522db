// Which Octavia runs: `installed` (the host's Debian packages), a Debian suite name (trixie,
// sid: a cached root built by roots.ts, its programs run with chroot) or the path of an
// Octavia source checkout (run with the host's Python and Octavia dependencies). One place
// turns a choice into commands, a working directory the programs can see, and a version line.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors';
import { hostCodename } from './mirror';
import { acquireProc } from './procmount';
import { chrootEnv, ensureRoot, packageVersion } from './roots';

export type OctaviaTool = 'health-manager' | 'api' | 'db-manage';

export type OctaviaChoice = { kind: 'installed' } | { kind: 'suite'; suite: string } | { kind: 'source'; path: string };

export const OCTAVIA_FLAG_HELP =
  'Which Octavia: "installed" (host packages, default), a Debian suite (trixie, sid: ' +
  'a root built once with debootstrap and cached) or the path of an Octavia source checkout.';

/** installed | PATH (an Octavia checkout, or anything with a slash) | SUITE (a lower-case name). */
export function parseOctaviaChoice(spec: string | undefined): OctaviaChoice {
  if (spec === undefined || spec === 'installed') return { kind: 'installed' };
  if (existsSync(join(spec, 'octavia', 'cmd'))) return { kind: 'source', path: resolve(spec) };
  if (spec.includes('/') || spec.startsWith('.')) return { kind: 'source', path: resolve(spec) };
  if (/^[a-z][a-z0-9-]*$/.test(spec)) return { kind: 'suite', suite: spec };
  throw new UsageError(
    `--octavia must be "installed", a Debian suite name (trixie, sid) or a path (./octavia), not "${spec}"`,
  );
}

export function choiceLabel(c: OctaviaChoice): string {
  return c.kind === 'installed' ? 'installed' : c.kind === 'suite' ? c.suite : c.path;
}

/** A ready Octavia: how to run its tools, where its files go, what version it is. */
export interface OctaviaRuntime {
  choice: OctaviaChoice;
  /** "Octavia 19.0.0 (Debian sid)". */
  version: string;
  /** The root its programs run in ('' on the host). */
  root: string;
  command(tool: OctaviaTool, args: string[]): { cmd: string; args: string[]; env: NodeJS.ProcessEnv };
  /** A fresh working directory the programs can see (host path). */
  makeDir(prefix: string): string;
  /** The path a program sees for a host path inside makeDir's directory. */
  inner(hostPath: string): string;
  /** Called once a sandbox needs its programs running (mounts /proc in a root); returns the undo. */
  activate(): Promise<() => Promise<void>>;
}

const MODULES: Record<OctaviaTool, string> = {
  'health-manager': 'octavia.cmd.health_manager',
  api: 'octavia.cmd.api',
  'db-manage': 'octavia.db.migration.cli',
};

function upstream(debianVersion: string | undefined): string {
  return (debianVersion ?? 'unknown').replace(/^\d+:/, '').replace(/-[^-]*$/, '');
}

/** `git describe` of the checkout itself (not of a repository it happens to lie in). */
function sourceVersion(path: string): string {
  if (!existsSync(join(path, '.git'))) return 'unknown version';
  const r = spawnSync('git', ['-C', path, 'describe', '--tags', '--always'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown version';
}

const hostDirs = {
  makeDir: (prefix: string) => mkdtempSync(join(tmpdir(), prefix)),
  inner: (p: string) => p,
  activate: async () => async () => undefined,
};

function installedRuntime(): OctaviaRuntime {
  return {
    choice: { kind: 'installed' },
    root: '',
    ...hostDirs,
    version: `Octavia ${upstream(packageVersion('/', 'python3-octavia'))} (installed, Debian ${hostCodename() ?? '?'})`,
    command: (tool, args) => ({ cmd: `/usr/bin/octavia-${tool}`, args, env: process.env }),
  };
}

function sourceRuntime(path: string): OctaviaRuntime {
  if (!existsSync(join(path, 'octavia', 'cmd', 'health_manager.py'))) {
    throw new UsageError(`${path} is not an Octavia source checkout (no octavia/cmd/health_manager.py)`);
  }
  return {
    choice: { kind: 'source', path },
    root: '',
    ...hostDirs,
    version: `Octavia ${sourceVersion(path)} (source ${path})`,
    command: (tool, args) => ({
      cmd: '/usr/bin/python3',
      args: ['-c', `import sys; from ${MODULES[tool]} import main; sys.exit(main())`, ...args],
      env: { ...process.env, PYTHONPATH: path },
    }),
  };
}

function suiteRuntime(suite: string, root: string): OctaviaRuntime {
  return {
    choice: { kind: 'suite', suite },
    root,
    version: `Octavia ${upstream(packageVersion(root, 'python3-octavia'))} (Debian ${suite})`,
    command: (tool, args) => ({
      cmd: '/usr/sbin/chroot',
      args: [root, `/usr/bin/octavia-${tool}`, ...args],
      env: chrootEnv(),
    }),
    makeDir: (prefix) => mkdtempSync(join(root, 'tmp', prefix)),
    inner: (p) => {
      if (!p.startsWith(`${root}/`)) throw new Error(`${p} is outside the root ${root}`);
      return p.slice(root.length);
    },
    activate: () => acquireProc(root),
  };
}

/**
 * Makes the chosen Octavia ready: a suite's root is built (or reused: `say` tells where), a
 * checkout is checked. The installed package is checked by the sandbox (it may install it).
 */
export async function prepareOctavia(
  c: OctaviaChoice,
  say: (s: string) => void = () => undefined,
): Promise<OctaviaRuntime> {
  if (c.kind === 'installed') return installedRuntime();
  if (c.kind === 'source') return sourceRuntime(c.path);
  const root = await ensureRoot(c.suite, { say });
  say(`Octavia root for Debian ${c.suite}: ${root} (cached; reused by later runs)\n`);
  return suiteRuntime(c.suite, root);
}
