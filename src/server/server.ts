// The running DNS service: the zone manager, the query handler and its listeners.

import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { QueryHandler, type HandlerOptions } from '../query/handler.js';
import { ZoneSet } from '../query/zoneset.js';
import type { UdpIo, UdpIoChoice } from '../transport/udp-native.js';
import type { TcpLimits } from '../transport/tcp.js';
import { type ListenAddress, formatListen } from '../transport/address.js';
import { ZoneCompileWorker } from '../zone/loading/compile-pool.js';
import { DEFAULT_ZONE_MANAGER_OPTIONS, ZoneManager, type ZoneManagerOptions } from '../zone/loading/zone-manager.js';
import type { ZoneFileStatus } from '../contract/zone-status.js';
import type { AgentTarget } from './agent.js';
import type { CompiledZone } from '../zone/compiled/compiled.js';
import type { SecondaryConfig, SecondarySource } from '../xfr/secondary-config.js';
import { expiredAt, serialInHeader } from '../xfr/xfr-store.js';
import { type ZoneDiffMessage, zonePatchOf } from '../contract/zone-diff.js';
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

/** The patch thread's heap stays small (zones are shared memory); kept warm, the next diff skips a thread start. */
const PATCHER_IDLE_EXIT_MS = 24 * 3_600_000;

export class DnsServer implements AgentTarget {
  readonly handler: QueryHandler;
  private readonly compiler = new ZoneCompileWorker();
  /** Transferred zones live in SharedArrayBuffers, so an IXFR diff reaches the patch thread without a copy. */
  private readonly xfrCompiler = new ZoneCompileWorker(undefined, true);
  /** Diffs are patched at normal priority: a few hundred ms of work whose latency is the point (issue 12: ≤ 1 s). */
  private readonly xfrPatcher = new ZoneCompileWorker(PATCHER_IDLE_EXIT_MS, true, false);
  private readonly listeners = new Listeners();
  readonly zones: ZoneManager;
  /** One table for all of this process's UDP sockets; null when --rrl-rate is 0. */
  readonly rrl: ResponseRateLimiter | null;

  /** The zones transferred by the control plane into --xfr-dir, or null. */
  readonly xfrZones: ZoneManager | null = null;
  /** Secondary origins past their expiry, as the control plane last said. */
  private expired = new Set<string>();
  private expiresAt = new Map<string, number>();
  /** Where an accepted NOTIFY goes (the control plane, over IPC). */
  onNotify: ((origin: string, from: string) => void) | null = null;

  constructor(private readonly config: ServerConfig, private readonly log: Logger) {
    this.handler = new QueryHandler(config);
    this.rrl = config.rrl.rate > 0 ? new ResponseRateLimiter(config.rrl) : null;
    const swap = () => this.swapZones();
    this.zones = new ZoneManager(config.zones, this.compiler, swap, log);
    const secondary = config.secondary;
    if (secondary) {
      // Written only by our own control plane, atomically: no debounce needed, and a removed zone goes at once.
      const opts = { ...DEFAULT_ZONE_MANAGER_OPTIONS, rescanMs: config.zones.rescanMs, dir: secondary.dir, debounceMs: 20, deleteGraceMs: 0, headerSerial: serialInHeader };
      const compiler = { compile: this.xfrCompiler.compile.bind(this.xfrCompiler), patch: this.xfrPatcher.patch.bind(this.xfrPatcher) };
      const xfr = new ZoneManager(opts, compiler, swap, log.child({ zonesFrom: 'xfr-dir' }));
      this.xfrZones = xfr;
      xfr.servedElsewhere = (origin) => this.zones.fileServing(origin);
      this.zones.servedElsewhere = (origin) => xfr.fileServing(origin);
      const now = Date.now();
      for (const z of [...secondary.zones]) if (expiredAt(secondary.dir, z.origin, now)) this.expired.add(z.origin);
      this.handler.notify.policy = {
        config: secondary,
        members: [],
        accepted: (origin, from) => this.onNotify?.(origin, from),
        refused: (origin, from, why) => log.warn({ zone: origin, from, why, refusedTotal: this.handler.notify.refusedCount }, 'NOTIFY refused'),
      };
    }
  }

  /** One assignment: a query sees the old set or the new one, never a mix. */
  private swapZones(): void {
    const secondary = this.xfrZones?.zones() ?? [];
    const expired = new Set<CompiledZone>(secondary.filter((z) => this.expired.has(z.meta.origin)));
    const expiry = new Map<CompiledZone, number>();
    for (const z of secondary) {
      const at = this.expiresAt.get(z.meta.origin);
      if (at !== undefined) expiry.set(z, at);
    }
    this.handler.zones = new ZoneSet([...this.zones.zones(), ...secondary], expired, expiry);
  }

  /** From the control plane: which secondary zones expired; and --xfr-dir may hold new files. */
  updateSecondary(expired: string[], members: SecondarySource[], expiresAt: Record<string, number>): Promise<void> {
    this.expired = new Set(expired);
    this.expiresAt = new Map(Object.entries(expiresAt));
    if (this.handler.notify.policy) this.handler.notify.policy.members = members;
    this.swapZones();
    return this.xfrZones?.sync(false) ?? Promise.resolve();
  }

  /** From the control plane, right after an IXFR: serve the new serial now; the file in --xfr-dir follows. */
  async applyZoneDiff(msg: ZoneDiffMessage): Promise<void> {
    const why = this.xfrZones ? await this.xfrZones.patch(msg.origin, zonePatchOf(msg)) : 'no secondary zones here';
    if (why !== null) this.log.info({ zone: msg.origin, serial: msg.toSerial, why }, 'IXFR diff not applied to the compiled zone; loading the zone file instead');
  }

  zoneStatus(): ZoneFileStatus[] {
    const secondary = (this.xfrZones?.status() ?? []).map((s) => ({ ...s, source: 'secondary' as const, expired: s.origin !== null && this.expired.has(s.origin) }));
    return [...this.zones.status(), ...secondary];
  }

  async start(): Promise<void> {
    await this.zones.start();
    if (this.xfrZones) {
      await mkdir(this.config.secondary!.dir, { recursive: true });
      this.xfrPatcher.warm();
      await this.xfrZones.start();
    }
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
    return { applied: this.xfrZones?.diffsApplied ?? 0, refused: this.xfrZones?.diffsRefused ?? 0 };
  }

  zoneLoadErrors(): number {
    return this.zones.loadErrors + (this.xfrZones?.loadErrors ?? 0);
  }

  async reloadZones(): Promise<void> {
    await this.zones.reload();
    await this.xfrZones?.reload();
  }

  async stop(): Promise<void> {
    this.zones.stop();
    this.xfrZones?.stop();
    await this.listeners.close();
    await this.compiler.close();
    await this.xfrCompiler.close();
    await this.xfrPatcher.close();
  }
}
