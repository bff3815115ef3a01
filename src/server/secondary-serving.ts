// The data path's side of secondary zones: --xfr-dir loaded as a second zones directory, IXFR diffs patched into
// the compiled zones, and what the control plane says of freshness (expired zones answer SERVFAIL; EDNS EXPIRE).
// One per worker process, or one per data process in thread mode (its threads read the same zones).

import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { ZoneCompileWorker } from '../zone/loading/compile-pool.js';
import { DEFAULT_ZONE_MANAGER_OPTIONS, ZoneManager } from '../zone/loading/zone-manager.js';
import type { CompiledZone } from '../zone/compiled/compiled.js';
import type { ZoneFileStatus } from '../contract/zone-status.js';
import { type ZoneDiffMessage, zonePatchOf } from '../contract/zone-diff.js';
import type { SecondaryConfig, SecondarySource } from '../xfr/secondary-config.js';
import { expiredAt, serialInHeader } from '../xfr/xfr-store.js';
import type { QueryHandler } from '../query/handler.js';
import type { NotifyPolicy } from '../query/roles/notify.js';

/** The patch thread's heap stays small (zones are shared memory); kept warm, the next diff skips a thread start. */
const PATCHER_IDLE_EXIT_MS = 24 * 3_600_000;

/** What the query path needs to know of secondary zones beyond the zones themselves. */
export interface SecondaryFreshness {
  /** Origins past their expiry (SERVFAIL). */
  expired: string[];
  /** Origin -> when it expires, epoch ms (EDNS EXPIRE, RFC 7314). */
  expiresAt: Record<string, number>;
  /** Catalog members: their NOTIFYs are accepted too. */
  members: SecondarySource[];
}

/** Who may NOTIFY which zone (query/roles/notify.ts checks it where the packet arrives); catalog members come later. */
export function notifyPolicy(config: SecondaryConfig, accepted: (origin: string, from: string) => void, handler: QueryHandler, log: Logger): NotifyPolicy {
  return {
    config,
    members: [],
    accepted,
    refused: (origin, from, why) => log.warn({ zone: origin, from, why, refusedTotal: handler.notify.refusedCount }, 'NOTIFY refused'),
  };
}

/** For the ZoneSet: which of these compiled zones answer SERVFAIL, and when each expires. */
export function freshnessMarks(zones: readonly CompiledZone[], freshness: SecondaryFreshness): { expired: Set<CompiledZone>; expiry: Map<CompiledZone, number> } {
  const expiredOrigins = new Set(freshness.expired);
  const expired = new Set<CompiledZone>();
  const expiry = new Map<CompiledZone, number>();
  for (const z of zones) {
    if (expiredOrigins.has(z.meta.origin)) expired.add(z);
    const at = freshness.expiresAt[z.meta.origin];
    if (at !== undefined) expiry.set(z, at);
  }
  return { expired, expiry };
}

export class SecondaryServing {
  readonly zones: ZoneManager;
  /** Transferred zones live in SharedArrayBuffers, so an IXFR diff reaches the patch thread without a copy. */
  private readonly compiler = new ZoneCompileWorker(undefined, true);
  /** Diffs are patched at normal priority: a few hundred ms of work at most, whose latency is the point. */
  private readonly patcher = new ZoneCompileWorker(PATCHER_IDLE_EXIT_MS, true, false);
  freshness: SecondaryFreshness = { expired: [], expiresAt: {}, members: [] };

  constructor(private readonly config: SecondaryConfig, files: ZoneManager, rescanMs: number, onSwap: () => void, private readonly log: Logger) {
    // Written only by our own control plane, atomically: no debounce needed, and a removed zone goes at once.
    const opts = { ...DEFAULT_ZONE_MANAGER_OPTIONS, rescanMs, dir: config.dir, debounceMs: 20, deleteGraceMs: 0, headerSerial: serialInHeader };
    const compiler = { compile: this.compiler.compile.bind(this.compiler), patch: this.patcher.patch.bind(this.patcher) };
    this.zones = new ZoneManager(opts, compiler, onSwap, log.child({ zonesFrom: 'xfr-dir' }));
    this.zones.servedElsewhere = (origin) => files.fileServing(origin);
    files.servedElsewhere = (origin) => this.zones.fileServing(origin);
    // Before the control plane says anything: what --xfr-dir says expired stays expired across a restart.
    const now = Date.now();
    this.freshness.expired = config.zones.filter((z) => expiredAt(config.dir, z.origin, now)).map((z) => z.origin);
  }

  async start(): Promise<void> {
    await mkdir(this.config.dir, { recursive: true });
    this.patcher.warm();
    await this.zones.start();
  }

  /** From the control plane: freshness, and --xfr-dir may hold new files. */
  update(freshness: SecondaryFreshness): Promise<void> {
    this.freshness = freshness;
    return this.zones.sync(false);
  }

  /** From the control plane, right after an IXFR: serve the new serial now; the file in --xfr-dir follows. */
  async applyZoneDiff(msg: ZoneDiffMessage): Promise<void> {
    const why = await this.zones.patch(msg.origin, zonePatchOf(msg));
    if (why !== null) this.log.info({ zone: msg.origin, serial: msg.toSerial, why }, 'IXFR diff not applied to the compiled zone; loading the zone file instead');
  }

  marks(zones: CompiledZone[]): ReturnType<typeof freshnessMarks> {
    return freshnessMarks(zones, this.freshness);
  }

  status(): ZoneFileStatus[] {
    const expired = new Set(this.freshness.expired);
    return this.zones.status().map((s) => ({ ...s, source: 'secondary' as const, expired: s.origin !== null && expired.has(s.origin) }));
  }

  diffs(): { applied: number; refused: number } {
    return { applied: this.zones.diffsApplied, refused: this.zones.diffsRefused };
  }

  async stop(): Promise<void> {
    this.zones.stop();
    await this.compiler.close();
    await this.patcher.close();
  }
}
