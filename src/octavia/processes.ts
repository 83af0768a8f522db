// Real Octavia processes: started in their own process group, ready when their socket is
// bound (UDP from /proc/net/udp, HTTP by a request), stopped with SIGTERM then SIGKILL,
// and killed on our exit. CPU seconds of a process tree are read from /proc.

import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { EnvError } from '../errors';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live)
      if (c.pid) {
        try {
          process.kill(-c.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
  });
}

export interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

export function startProc(
  name: string,
  cmd: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): Proc {
  installExitHook();
  const child = spawn(cmd, args, { detached: true, stdio: 'ignore', env });
  live.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  child.on('error', () => undefined);
  return { name, child, logFile, exited };
}

function logTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-3).join(' | ').slice(0, 400);
  } catch {
    return '(no log)';
  }
}

/** Polls `ready` until it holds; fails if the process exits first or the deadline passes. */
export async function waitReady(p: Proc, ready: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  let dead = false;
  void p.exited.then(() => {
    dead = true;
  });
  while (!(await ready())) {
    if (dead) throw new EnvError(`${p.name} exited during start-up: ${logTail(p.logFile)}`);
    if (Date.now() > end)
      throw new EnvError(`${p.name} was not ready within ${timeoutMs / 1000} s: ${logTail(p.logFile)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True when some socket is bound to UDP `port` (IPv4 or IPv6). */
export function udpPortBound(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/udp', '/proc/net/udp6'].some(
    (f) =>
      existsSync(f) &&
      readFileSync(f, 'utf8')
        .split('\n')
        .some((l) => /^\s*\d+:\s+[0-9A-F]+:([0-9A-F]{4})\s/.exec(l)?.[1] === hex),
  );
}

export async function httpAnswers(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return r.status < 500;
  } catch {
    return false;
  }
}

export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.on('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

/** True when `port` on 127.0.0.1 can be bound for UDP right now. */
export function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.on('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** True when `port` on 127.0.0.1 can be bound for TCP right now. */
export function tcpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.on('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export async function stopProc(p: Proc, graceMs = 5000): Promise<void> {
  const pid = p.child.pid;
  if (!pid) return;
  const killGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      /* group gone */
    }
  };
  if (p.child.exitCode === null && p.child.signalCode === null) {
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
    await p.exited;
    clearTimeout(timer);
  }
  // workers of the group that outlived their leader (also when the leader crashed)
  killGroup('SIGKILL');
  const end = Date.now() + 5000;
  while (groupAlive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

export interface ProcStat {
  state: string;
  ppid: number;
  pgrp: number;
  cpuSeconds: number;
  /** Clock ticks after boot at which the process started (orders forked siblings). */
  startTicks: number;
}

/** Every process's /proc/PID/stat fields that we use (processes gone meanwhile are skipped). */
export function readProcStats(): Map<number, ProcStat> {
  const tick = 100;
  const stats = new Map<number, ProcStat>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(d), {
        state: f[0],
        ppid: Number(f[1]),
        pgrp: Number(f[2]),
        cpuSeconds: (Number(f[11]) + Number(f[12])) / tick,
        startTicks: Number(f[19]),
      });
    } catch {
      /* exited */
    }
  }
  return stats;
}

/** True while some process of group `pgid` runs (zombies waiting for their reaper do not count). */
export function groupAlive(pgid: number): boolean {
  for (const st of readProcStats().values()) if (st.pgrp === pgid && st.state !== 'Z' && st.state !== 'X') return true;
  return false;
}

/** User+system CPU seconds of the given processes and all their descendants (one /proc scan). */
export function treeCpuSeconds(pids: number[]): number {
  const stats = readProcStats();
  let total = 0;
  const todo = [...pids];
  while (todo.length) {
    const p = todo.pop()!;
    total += stats.get(p)?.cpuSeconds ?? 0;
    for (const [c, v] of stats) if (v.ppid === p) todo.push(c);
  }
  return total;
}

export function isAlive(p: Proc): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}
