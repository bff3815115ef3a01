// The running DNS service: the zone manager, the query handler and its listeners.

import type { Logger } from 'pino';
import { QueryHandler, type HandlerOptions } from '../query/handler.js';
import { ZoneSet } from '../query/zoneset.js';
import type { UdpIo, UdpIoChoice } from '../transport/udp-native.js';
import type { TcpLimits } from '../transport/tcp.js';
import { type ListenAddress, formatListen } from '../transport/address.js';
import { ZoneCompileWorker } from '../zone/loading/compile-pool.js';
import { ZoneManager, type ZoneManagerOptions } from '../zone/loading/zone-manager.js';
import type { ZoneFileStatus } from '../contract/zone-status.js';
import type { AgentTarget } from './agent.js';
import type { SecondaryConfig, SecondarySource } from '../xfr/secondary-config.js';
import type { ZoneDiffMessage } from '../contract/zone-diff.js';
import { SecondaryServing, notifyPolicy } from './secondary-serving.js';
import { ResponseRateLimiter, type RrlSettings } from '../abuse/rrl.js';
import { Listeners } from './listeners.js';

export interface ServerConfig extends HandlerOptions {
  listen: ListenAddress[];
  zones: ZoneManagerOptions;
  tcp: TcpLimits;
  rrl: RrlSettings;
  /** Secondary zones: --xfr-dir is loaded like a second zones directory; null when there are none. */
  secondary: SecondaryConfig | null;
  /** --udp-io: the batched native socket, node:dgram, or native when the addon is there (the default). */
  udpIo?: UdpIoChoice;
}

export class DnsServer implements AgentTarget {
  readonly handler: QueryHandler;
  private readonly compiler = new ZoneCompileWorker();
  private readonly listeners = new Listeners();
  readonly zones: ZoneManager;
  /** One table for all of this process's UDP sockets; null when --rrl-rate is 0. */
  readonly rrl: ResponseRateLimiter | null;
  /** The zones transferred by the control plane into --xfr-dir, or null. */
  readonly secondary: SecondaryServing | null = null;
  /** Where an accepted NOTIFY goes (the control plane, over IPC). */
  onNotify: ((origin: string, from: string) => void) | null = null;

  constructor(private readonly config: ServerConfig, private readonly log: Logger) {
    this.handler = new QueryHandler(config);
    this.rrl = config.rrl.rate > 0 ? new ResponseRateLimiter(config.rrl) : null;
    const swap = () => this.swapZones();
    this.zones = new ZoneManager(config.zones, this.compiler, swap, log);
    if (config.secondary) {
      this.secondary = new SecondaryServing(config.secondary, this.zones, config.zones.rescanMs, swap, log);
      this.handler.notify.policy = notifyPolicy(config.secondary, (origin, from) => this.onNotify?.(origin, from), this.handler, log);
    }
  }

  /** One assignment: a query sees the old set or the new one, never a mix. */
  private swapZones(): void {
    const secondary = this.secondary?.zones.zones() ?? [];
    const { expired, expiry } = this.secondary?.marks(secondary) ?? { expired: null, expiry: null };
    this.handler.zones = new ZoneSet([...this.zones.zones(), ...secondary], expired, expiry);
  }

  /** From the control plane: which secondary zones expired; and --xfr-dir may hold new files. */
  updateSecondary(expired: string[], members: SecondarySource[], expiresAt: Record<string, number>): Promise<void> {
    if (!this.secondary) return Promise.resolve();
    if (this.handler.notify.policy) this.handler.notify.policy.members = members;
    const synced = this.secondary.update({ expired, members, expiresAt });
    this.swapZones();
    return synced;
  }

  /** From the control plane, right after an IXFR: serve the new serial now; the file in --xfr-dir follows. */
  applyZoneDiff(msg: ZoneDiffMessage): Promise<void> {
    return this.secondary?.applyZoneDiff(msg) ?? Promise.resolve();
  }

  zoneStatus(): ZoneFileStatus[] {
    return [...this.zones.status(), ...(this.secondary?.status() ?? [])];
  }

  async start(): Promise<void> {
    await this.zones.start();
    await this.secondary?.start();
    if (this.handler.zones.size === 0) this.log.warn({ dir: this.config.zones.dir }, 'no zone loaded; answering REFUSED until one loads');
    const { listen, tcp } = this.config;
    await this.listeners.open(listen, this.handler, { udpIo: this.config.udpIo ?? 'auto', tcp, rrl: this.rrl, reusePort: false }, this.log);
    for (const addr of listen) this.log.info({ listen: formatListen(addr), udpIo: this.udpIo }, 'listening on UDP and TCP');
  }

  /** The UDP path in use, once started. */
  get udpIo(): UdpIo | null {
    return this.listeners.io;
  }

  /** Where the UDP sockets actually listen (port 0 in the config picks a free one). */
  udpAddresses(): { address: string; port: number }[] {
    return this.listeners.udpAddresses();
  }

  tcpConnections(): number {
    return this.listeners.tcpConnections();
  }

  zoneDiffs(): { applied: number; refused: number } {
    return this.secondary?.diffs() ?? { applied: 0, refused: 0 };
  }

  zoneLoadErrors(): number {
    return this.zones.loadErrors + (this.secondary?.zones.loadErrors ?? 0);
  }

  async reloadZones(): Promise<void> {
    await this.zones.reload();
    await this.secondary?.zones.reload();
  }

  async stop(): Promise<void> {
    this.zones.stop();
    await this.listeners.close();
    await this.compiler.close();
    await this.secondary?.stop();
  }
}
