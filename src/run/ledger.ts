// Where every heartbeat went: each one sent is accounted for as exactly one of a send error,
// a kernel drop at the HM's socket, a listener-count mismatch, a stale drop by the HM, a
// processed heartbeat, or unaccounted (in flight at the end, or lost where nothing can see).
// A part that cannot be measured (a remote HM's socket, an HM log not followed) is null,
// "not measured", and what it holds stays in unaccounted: the parts always sum to sent.

import { type Endpoint, socketState } from './udpsocket';

export interface Ledger {
  /** Heartbeats the engine tried to send (successful sends plus send errors). */
  sent: number;
  sendErrors: number;
  kernelDropped: number | null;
  listenerMismatch: number | null;
  staleDropped: number | null;
  processed: number;
  unaccounted: number;
}

/** The measured parts, and the successful sends (sent and unaccounted follow from them). */
export type LedgerInputs = Omit<Ledger, 'sent' | 'unaccounted'> & { sentOk: number };

export function ledgerOf(i: LedgerInputs): Ledger {
  const sent = i.sentOk + i.sendErrors;
  const known = i.sendErrors + (i.kernelDropped ?? 0) + (i.listenerMismatch ?? 0) + (i.staleDropped ?? 0) + i.processed;
  return {
    sent,
    sendErrors: i.sendErrors,
    kernelDropped: i.kernelDropped,
    listenerMismatch: i.listenerMismatch,
    staleDropped: i.staleDropped,
    processed: i.processed,
    unaccounted: sent - known,
  };
}

/** The parts that could not be measured, for the report to say so. */
export function notMeasured(l: Ledger): string[] {
  return (['kernelDropped', 'listenerMismatch', 'staleDropped'] as const).filter((k) => l[k] === null);
}

export interface KernelSnapshot {
  perEndpoint: EndpointDrops[];
  /** The sum over the endpoints, or null when any of them cannot be seen. */
  total: number | null;
  /** Bytes waiting in the receive queues of the local HM sockets (0 when none can be seen). */
  queuedBytes: number;
}

export interface EndpointDrops {
  endpoint: string;
  kernelDropped: number | null;
}

/**
 * Kernel drops at the HM sockets since construction: the drop counter of the socket bound to
 * each local endpoint's port (/proc/net/udp, udp6). A remote endpoint is not measurable. The
 * counter covers every sender to that socket, so on a shared HM it includes real amphorae.
 */
export class KernelDrops {
  private readonly base: Array<number | undefined>;

  constructor(private readonly endpoints: Endpoint[]) {
    this.base = endpoints.map((ep) => socketState(ep)?.drops);
  }

  /** One read of every endpoint's socket: drops per endpoint, their sum, and the bytes still queued. */
  read(): KernelSnapshot {
    let queuedBytes = 0;
    const perEndpoint = this.endpoints.map((ep, i) => {
      const st = socketState(ep);
      queuedBytes += st?.rxQueueBytes ?? 0;
      const b = this.base[i];
      return {
        endpoint: `${ep.host}:${ep.port}`,
        kernelDropped: st === undefined || b === undefined ? null : Math.max(0, st.drops - b),
      };
    });
    const total = perEndpoint.some((p) => p.kernelDropped === null)
      ? null
      : perEndpoint.reduce((a, p) => a + (p.kernelDropped ?? 0), 0);
    return { perEndpoint, total, queuedBytes };
  }

  perEndpoint(): EndpointDrops[] {
    return this.read().perEndpoint;
  }

  /** The sum over the endpoints, or null when any of them cannot be seen. */
  total(): number | null {
    return this.read().total;
  }
}
