// The kernel's view of a local HM's UDP socket, from /proc/net/udp and /proc/net/udp6:
// datagrams still queued (rx_queue, bytes) and dropped for a full buffer (drops). Only an
// endpoint on this machine can be seen; a remote one is "not measurable".

import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';

export interface SocketState {
  rxQueueBytes: number;
  drops: number;
  sockets: number;
}

export interface Endpoint {
  host: string;
  port: number;
}

/** Addresses of this machine (loopback ranges included). */
export function isLocalAddress(host: string): boolean {
  if (/^127\./.test(host) || host === '::1' || host === '0.0.0.0' || host === '::') return true;
  return Object.values(networkInterfaces()).some((list) => (list ?? []).some((i) => i.address === host));
}

/** "0100007F" -> "127.0.0.1"; 32 hex digits -> the IPv6 address in full form. */
export function procAddress(hex: string): string {
  if (hex.length === 8) return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
  const words: string[] = [];
  for (let w = 0; w < 4; w++) {
    const le = hex.slice(w * 8, w * 8 + 8);
    const be = le.slice(6, 8) + le.slice(4, 6) + le.slice(2, 4) + le.slice(0, 2);
    words.push(be.slice(0, 4), be.slice(4, 8));
  }
  return words.map((g) => parseInt(g, 16).toString(16)).join(':');
}

function fullV6(host: string): string {
  const [head, tail = ''] = host.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const mid = host.includes('::') ? Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...mid, ...t].map((g) => parseInt(g || '0', 16).toString(16)).join(':');
}

function wildcard(addr: string): boolean {
  return addr === '0.0.0.0' || addr === '0:0:0:0:0:0:0:0';
}

/** Sums the matching sockets of one /proc/net/udp* text. */
export function parseProcUdp(text: string, ep: Endpoint): SocketState {
  const want = isIPv4(ep.host) ? ep.host : fullV6(ep.host);
  const s: SocketState = { rxQueueBytes: 0, drops: 0, sockets: 0 };
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13) continue;
    const [addrHex, portHex] = f[1].split(':');
    if (parseInt(portHex, 16) !== ep.port) continue;
    const addr = procAddress(addrHex);
    if (addr !== want && !wildcard(addr)) continue;
    s.rxQueueBytes += parseInt(f[4].split(':')[1], 16);
    s.drops += Number(f[f.length - 1]);
    s.sockets++;
  }
  return s;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The state of the sockets bound to a local endpoint; undefined for a remote one or none bound. */
export function socketState(ep: Endpoint): SocketState | undefined {
  if (!isLocalAddress(ep.host)) return undefined;
  const v4 = parseProcUdp(readText('/proc/net/udp'), ep);
  const v6 = parseProcUdp(readText('/proc/net/udp6'), ep);
  const sum = {
    rxQueueBytes: v4.rxQueueBytes + v6.rxQueueBytes,
    drops: v4.drops + v6.drops,
    sockets: v4.sockets + v6.sockets,
  };
  return sum.sockets > 0 ? sum : undefined;
}
