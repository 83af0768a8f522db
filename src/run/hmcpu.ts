// CPU of a local health manager by role, found through the process that owns the endpoint's
// UDP socket: that process is Octavia's listener (it reads and verifies every heartbeat), and
// its children are the workers of its two process pools (health update and statistics).
// Also finds a local database server by its TCP port, to say how busy it was.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { cpus } from 'node:os';
import { readProcStats } from '../octavia/processes';
import { type Endpoint, isLocalAddress } from './udpsocket';

/** Inodes of the sockets bound to `port` in /proc/net/{proto} (udp, udp6, tcp, tcp6; listening for tcp). */
export function socketInodes(proto: 'udp' | 'tcp', port: number): Set<string> {
  const out = new Set<string>();
  for (const file of [proto, `${proto}6`]) {
    let text = '';
    try {
      text = readFileSync(`/proc/net/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || parseInt(f[1].split(':')[1], 16) !== port) continue;
      if (proto === 'tcp' && f[3] !== '0A') continue; // LISTEN
      out.add(f[9]);
    }
  }
  return out;
}

/** The pid whose file descriptors hold one of the socket inodes (one /proc scan). */
export function ownerOf(inodes: Set<string>): number | undefined {
  if (inodes.size === 0) return undefined;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${d}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${d}/fd/${fd}`));
        if (m && inodes.has(m[1])) return Number(d);
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return undefined;
}

export interface RoleCpu {
  endpoint: string;
  listenerPid: number;
  /** CPU seconds of the listener process since the start of the measurement. */
  listenerSecs: number;
  /** CPU seconds of its pool workers (health update and statistics) since the start. */
  poolSecs: number;
  poolWorkers: number;
  /**
   * The same split by pool, when it can be told: Octavia submits each heartbeat to the health-update
   * pool first, and a forked ProcessPoolExecutor starts all its workers at its first submit, so the
   * health_update_threads oldest workers are the health pool's (undefined when the counts disagree).
   */
  healthPoolSecs?: number;
  statsPoolSecs?: number;
}

/** [health_manager] health_update_threads and stats_update_threads of the HM whose process is `pid`. */
export function poolSizes(pid: number): { health: number; stats: number } | undefined {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const i = argv.indexOf('--config-file');
    if (i < 0 || !argv[i + 1]) return undefined;
    // /proc/PID/root reaches the file also for an HM running in a chroot (a Debian release root)
    const text = readFileSync(`/proc/${pid}/root${argv[i + 1]}`, 'utf8');
    const opt = (name: string) => {
      const m = new RegExp(`^\\s*${name}\\s*=\\s*(\\d+)\\s*$`, 'm').exec(text);
      return m ? Number(m[1]) : cpus().length; // Octavia's default: one process per CPU
    };
    return { health: opt('health_update_threads'), stats: opt('stats_update_threads') };
  } catch {
    return undefined;
  }
}

/** Splits workers (pid, start time, CPU seconds) into the health pool (the `health` oldest) and the rest. */
export function splitPools(
  workers: Array<{ start: number; secs: number }>,
  sizes?: { health: number; stats: number },
): { healthPoolSecs?: number; statsPoolSecs?: number } {
  if (!sizes || workers.length !== sizes.health + sizes.stats) return {};
  const byAge = [...workers].sort((a, b) => a.start - b.start);
  const sum = (w: typeof workers) => w.reduce((a, x) => a + x.secs, 0);
  return { healthPoolSecs: sum(byAge.slice(0, sizes.health)), statsPoolSecs: sum(byAge.slice(sizes.health)) };
}

/** CPU seconds since construction of the listener and pool processes of every local HM endpoint. */
export class HmCpu {
  private readonly owners: Array<{ endpoint: string; pid: number }>;
  private readonly base = new Map<number, number>();
  readonly startedMs = Date.now();

  constructor(endpoints: Endpoint[]) {
    this.owners = endpoints
      .filter((e) => isLocalAddress(e.host))
      .flatMap((e) => {
        const pid = ownerOf(socketInodes('udp', e.port));
        return pid === undefined ? [] : [{ endpoint: `${e.host}:${e.port}`, pid }];
      });
    for (const [pid, st] of readProcStats()) this.base.set(pid, st.cpuSeconds);
  }

  /** False when no endpoint's HM could be found on this machine (CPU is then not measurable). */
  get found(): boolean {
    return this.owners.length > 0;
  }

  read(): RoleCpu[] {
    const stats = readProcStats();
    const used = (pid: number) => Math.max(0, (stats.get(pid)?.cpuSeconds ?? 0) - (this.base.get(pid) ?? 0));
    return this.owners.map((o) => {
      const workers = [...stats].filter(([, st]) => st.ppid === o.pid).map(([pid]) => pid);
      const split = splitPools(
        workers.map((p) => ({ start: stats.get(p)!.startTicks, secs: used(p) })),
        poolSizes(o.pid),
      );
      return {
        endpoint: o.endpoint,
        listenerPid: o.pid,
        listenerSecs: used(o.pid),
        poolSecs: workers.reduce((a, p) => a + used(p), 0),
        poolWorkers: workers.length,
        ...split,
      };
    });
  }
}

/** CPU seconds since construction of a database server on this machine, found by its TCP port. */
export class DbServerCpu {
  private readonly pid?: number;
  private readonly base: number;

  constructor(host: string | undefined, port: number) {
    this.pid =
      host !== undefined && (host === 'localhost' || isLocalAddress(host))
        ? ownerOf(socketInodes('tcp', port))
        : undefined;
    this.base = this.pid === undefined ? 0 : (readProcStats().get(this.pid)?.cpuSeconds ?? 0);
  }

  /** Seconds of CPU used since construction, or undefined when the server is not on this machine. */
  read(): number | undefined {
    if (this.pid === undefined) return undefined;
    return Math.max(0, (readProcStats().get(this.pid)?.cpuSeconds ?? 0) - this.base);
  }
}
