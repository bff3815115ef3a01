// UDP transport: datagram in, handler, datagram out. The handler never throws through here.

import dgram from 'node:dgram';
import type { Logger } from 'pino';
import type { QueryHandler } from '../query/handler.js';
import { Transport } from '../query/stats.js';
import { type ListenAddress, formatListen } from './address.js';
import { servfailFor } from './servfail.js';
import type { ResponseRateLimiter } from '../abuse/rrl.js';
import { limit } from './udp-limit.js';

/** Bigger than the default so that bursts queue in the kernel instead of being dropped (bench/ shows drops at 208 KiB). */
const RECV_BUFFER = 4 * 1024 * 1024;

function replyLookup(address: string, _family: unknown, callback: (err: Error | null, address: string, family: number) => void): void {
  callback(null, address, address.includes(':') ? 6 : 4);
}

/**
 * `rrl` null (--rrl-rate 0) leaves the receive path as it was without RRL: one null test per datagram
 * (bench/run.mjs --quick --parts udp, 3 A/B pairs against main: median 6.2 CPU µs/query against 6.0, within the noise).
 */
export function listenUdp(
  addr: ListenAddress,
  handler: QueryHandler,
  log: Logger,
  rrl: ResponseRateLimiter | null = null,
  /** One socket per data-path thread on the same port; the kernel spreads flows (Node >= 22.12, Linux). */
  reusePort = false,
): Promise<dgram.Socket> {
  const socket = dgram.createSocket({
    ...(reusePort ? { reusePort: true } : {}),
    type: addr.family === 6 ? 'udp6' : 'udp4',
    ipv6Only: addr.family === 6,
    reuseAddr: false,
    // Replies go to rinfo.address, always an IP literal: skip dns.lookup's isIP regexp and nextTick per send.
    lookup: replyLookup,
  });
  socket.on('message', (msg, rinfo) => {
    let len: number;
    let reply: Buffer;
    try {
      len = handler.handle(msg, msg.length, Transport.Udp, rinfo);
      if (rrl !== null && len !== 0) len = limit(handler, rrl, len);
      if (len === 0) return;
      // The send is asynchronous and the handler's buffer is reused by the next query, so the reply gets its own copy.
      reply = Buffer.allocUnsafe(len);
      handler.copyResponse(reply, 0);
    } catch (err) {
      handler.countFailure(Transport.Udp);
      log.error({ err, from: rinfo.address }, 'query handler failed; answering SERVFAIL');
      const fail = servfailFor(msg);
      if (fail === null) return;
      reply = fail;
    }
    socket.send(reply, rinfo.port, rinfo.address);
  });
  socket.on('error', (err) => log.error({ err, listen: formatListen(addr) }, 'UDP socket error'));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(addr.port, addr.host, () => {
      socket.off('error', reject);
      try {
        socket.setRecvBufferSize(RECV_BUFFER);
      } catch {
        // Capped by net.core.rmem_max; the default still works.
      }
      resolve(socket);
    });
  });
}
