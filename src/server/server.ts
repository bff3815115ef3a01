// The running DNS service: zones, the query handler and its listeners, and zone reloads.

import type dgram from 'node:dgram';
import type { Logger } from 'pino';
import { QueryHandler, type HandlerOptions } from '../query/handler.js';
import { ZoneSet } from '../query/zoneset.js';
import { listenUdp } from '../transport/udp.js';
import { listenTcp, type TcpLimits, type TcpListener } from '../transport/tcp.js';
import { type ListenAddress, formatListen } from '../transport/address.js';
import { ZoneCompileWorker } from '../zone/compile-pool.js';
import { loadZoneDir } from '../zone/zone-dir.js';

export interface ServerConfig extends HandlerOptions {
  listen: ListenAddress[];
  zonesDir: string;
  tcp: TcpLimits;
}

export class DnsServer {
  readonly handler: QueryHandler;
  private readonly compiler = new ZoneCompileWorker();
  private udp: dgram.Socket[] = [];
  private tcp: TcpListener[] = [];
  private reloading: Promise<void> | null = null;

  constructor(private readonly config: ServerConfig, private readonly log: Logger) {
    this.handler = new QueryHandler(config);
  }

  async start(): Promise<void> {
    await this.reloadZones();
    for (const addr of this.config.listen) {
      this.udp.push(await listenUdp(addr, this.handler, this.log));
      this.tcp.push(await listenTcp(addr, this.handler, this.config.tcp, this.log));
      this.log.info({ listen: formatListen(addr) }, 'listening on UDP and TCP');
    }
  }

  /** Reloads every zone file; concurrent calls share one reload. The zone set is swapped in one assignment. */
  reloadZones(): Promise<void> {
    if (this.reloading) return this.reloading;
    this.reloading = this.doReload().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  private async doReload(): Promise<void> {
    const started = Date.now();
    const result = await loadZoneDir(this.config.zonesDir, this.compiler, this.handler.zones.zones);
    for (const w of result.warnings) this.log.warn({ file: w.file, line: w.line }, `${w.file}:${w.line}: ${w.message}`);
    for (const f of result.failed) {
      for (const e of f.errors) this.log.error({ file: e.file, line: e.line }, `${e.file}:${e.line}: ${e.message}`);
    }
    this.handler.zones = new ZoneSet(result.zones);
    this.log.info(
      { zones: result.zones.map((z) => ({ origin: z.meta.origin, serial: z.meta.serial, records: z.meta.records })), failed: result.failed.length, ms: Date.now() - started },
      'zones loaded',
    );
  }

  async stop(): Promise<void> {
    for (const s of this.udp) s.close();
    await Promise.all(this.tcp.map((t) => t.close()));
    await this.compiler.close();
  }
}
