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

  perEndpoint(): EndpointDrops[] {
    return this.endpoints.map((ep, i) => {
      const now = socketState(ep)?.drops;
      const b = this.base[i];
      return {
        endpoint: `${ep.host}:${ep.port}`,
        kernelDropped: now === undefined || b === undefined ? null : Math.max(0, now - b),
      };
    });
  }

  /** The sum over the endpoints, or null when any of them cannot be seen. */
  total(): number | null {
    const per = this.perEndpoint();
    return per.some((p) => p.kernelDropped === null) ? null : per.reduce((a, p) => a + (p.kernelDropped ?? 0), 0);
  }
}
