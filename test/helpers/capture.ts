// A loopback UDP receiver that keeps every datagram, for tests that compare what the engine
// sent with what it should have sent.

import { createSocket, type Socket } from 'node:dgram';

export interface Capture {
  rx: Socket;
  port: number;
  packets: Buffer[];
}

/** Binds an ephemeral port on 127.0.0.1 with a `recvBufferSize`-byte receive buffer. */
export async function capture(recvBufferSize: number): Promise<Capture> {
  const rx = createSocket({ type: 'udp4', recvBufferSize });
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', () => r()));
  const packets: Buffer[] = [];
  rx.on('message', (m) => packets.push(m));
  return { rx, port: rx.address().port, packets };
}
