// The sockets of one data path (a worker process or a data thread): UDP on the chosen path, and TCP, on every listen address.

import type { Logger } from 'pino';
import type { QueryHandler } from '../query/handler.js';
import type { ResponseRateLimiter } from '../abuse/rrl.js';
import { listenUdp } from '../transport/udp.js';
import { type UdpIo, type UdpIoChoice, type UdpListener, listenUdpNative, resolveUdpIo } from '../transport/udp-native.js';
import { listenTcp, type TcpLimits, type TcpListener } from '../transport/tcp.js';
import type { ListenAddress } from '../transport/address.js';

export interface ListenOptions {
  udpIo: UdpIoChoice;
  tcp: TcpLimits;
  rrl: ResponseRateLimiter | null;
  /** One socket per data-path thread on the same port (the native path always binds with SO_REUSEPORT). */
  reusePort: boolean;
}

export class Listeners {
  private udp: UdpListener[] = [];
  private tcp: TcpListener[] = [];
  /** The UDP path in use, once open. */
  io: UdpIo | null = null;

  async open(addrs: ListenAddress[], handler: QueryHandler, opts: ListenOptions, log: Logger): Promise<void> {
    const io = resolveUdpIo(opts.udpIo, log);
    this.io = io;
    for (const addr of addrs) {
      this.udp.push(io === 'native' ? listenUdpNative(addr, handler, log, opts.rrl) : await listenUdp(addr, handler, log, opts.rrl, opts.reusePort));
      this.tcp.push(await listenTcp(addr, handler, opts.tcp, log, opts.reusePort));
    }
  }

  /** Where the UDP sockets actually listen (port 0 in the config picks a free one). */
  udpAddresses(): { address: string; port: number }[] {
    return this.udp.map((s) => s.address());
  }

  tcpConnections(): number {
    return this.tcp.reduce((n, t) => n + t.connections.size, 0);
  }

  async close(): Promise<void> {
    for (const s of this.udp) s.close();
    await Promise.all(this.tcp.map((t) => t.close()));
  }
}
