// The running DNS service: the zone manager, the query handler and its listeners.

import type dgram from 'node:dgram';
import type { Logger } from 'pino';
import { QueryHandler, type HandlerOptions } from '../query/handler.js';
import { ZoneSet } from '../query/zoneset.js';
import { listenUdp } from '../transport/udp.js';
import { listenTcp, type TcpLimits, type TcpListener } from '../transport/tcp.js';
import { type ListenAddress, formatListen } from '../transport/address.js';
import { ZoneCompileWorker } from '../zone/compile-pool.js';
import { ZoneManager, type ZoneFileStatus, type ZoneManagerOptions } from '../zone/zone-manager.js';
import type { AgentTarget } from './agent.js';

export interface ServerConfig extends HandlerOptions {
  listen: ListenAddress[];
  zones: ZoneManagerOptions;
  tcp: TcpLimits;
}

export class DnsServer implements AgentTarget {
  readonly handler: QueryHandler;
  private readonly compiler = new ZoneCompileWorker();
  private udp: dgram.Socket[] = [];
  private tcp: TcpListener[] = [];
  readonly zones: ZoneManager;

  constructor(private readonly config: ServerConfig, private readonly log: Logger) {
    this.handler = new QueryHandler(config);
    this.zones = new ZoneManager(config.zones, this.compiler, (zones) => {
      // One assignment: a query sees the old set or the new one, never a mix.
      this.handler.zones = new ZoneSet(zones);
    }, log);
  }

  async start(): Promise<void> {
    await this.zones.start();
    if (this.handler.zones.size === 0) this.log.warn({ dir: this.config.zones.dir }, 'no zone loaded; answering REFUSED until one loads');
    for (const addr of this.config.listen) {
      this.udp.push(await listenUdp(addr, this.handler, this.log));
      this.tcp.push(await listenTcp(addr, this.handler, this.config.tcp, this.log));
      this.log.info({ listen: formatListen(addr) }, 'listening on UDP and TCP');
    }
  }

  /** Where the UDP sockets actually listen (port 0 in the config picks a free one). */
  udpAddresses(): { address: string; port: number }[] {
    return this.udp.map((s) => s.address());
  }

  tcpConnections(): number {
    return this.tcp.reduce((n, t) => n + t.connections.size, 0);
  }

  zoneStatus(): ZoneFileStatus[] {
    return this.zones.status();
  }

  zoneLoadErrors(): number {
    return this.zones.loadErrors;
  }

  reloadZones(): Promise<void> {
    return this.zones.reload();
  }

  async stop(): Promise<void> {
    this.zones.stop();
    for (const s of this.udp) s.close();
    await Promise.all(this.tcp.map((t) => t.close()));
    await this.compiler.close();
  }
}
