// One secondary zone's life (RFC 1035 section 4.3.5): refresh on the SOA timers, retry on failure, expire when the
// primary stays away too long. Transfers are IXFR from the serial held, AXFR when there is none or IXFR fails.

import type { Logger } from 'pino';
import { transfer } from './client.js';
import type { Diff, TransferResult } from './stream.js';
import type { TsigKey } from './tsig-keys.js';
import { SupersededWrite, ZoneData } from './zone-data.js';
import { loadState, loadZoneData, saveState, saveZone, zoneFileMtime } from './xfr-store.js';
import type { SecondarySource } from './secondary-config.js';
import { CoalescedRun } from '../lib/coalesced-run.js';

/** Floors keep a broken SOA from hammering the primary; ceilings keep a zone from never refreshing or expiring. */
export const TIMER_LIMITS = {
  refresh: [2, 86_400],
  retry: [1, 86_400],
  expire: [3, 90 * 86_400],
} as const;
const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));

export type XfrType = 'axfr' | 'ixfr';

export interface SecondaryZoneStatus {
  origin: string;
  source: 'secondary';
  primary: string;
  catalog: string | null;
  serial: number | null;
  records: number;
  lastRefreshAt: number | null;
  nextRefreshAt: number | null;
  /** The SOA REFRESH in use (clamped), null before the first load. */
  refreshSeconds: number | null;
  expiresAt: number | null;
  expired: boolean;
  lastError: string | null;
  lastErrorAt: number | null;
}

export interface TransferCounts {
  axfr: { ok: number; error: number };
  ixfr: { ok: number; error: number };
}

export interface SecondaryZoneOptions {
  source: SecondarySource;
  key: TsigKey | null;
  dir: string;
  /** Which catalog brought the zone, if any. */
  catalog?: string | null;
  idleTimeoutMs?: number;
  totalTimeoutMs?: number;
  /** Called after every change of what is served or of its freshness. */
  onChange: (zone: SecondaryZone) => void;
  /** An IXFR applied to our copy: the data path can patch its compiled zone before the zone file is written. */
  onDiff?: (zone: SecondaryZone, diffs: Diff[]) => void;
  log: Logger;
}

export class SecondaryZone {
  readonly origin: string;
  readonly primary: string;
  readonly source: SecondarySource;
  /** The catalog that brought this zone, or null for --secondary. */
  readonly catalog: string | null;
  data: ZoneData | null = null;
  serial: number | null = null;
  lastRefreshAt: number | null = null;
  nextRefreshAt: number | null = null;
  expiresAt: number | null = null;
  lastError: string | null = null;
  lastErrorAt: number | null = null;
  readonly counts: TransferCounts = { axfr: { ok: 0, error: 0 }, ixfr: { ok: 0, error: 0 } };
  private timer: NodeJS.Timeout | null = null;
  private readonly refreshes = new CoalescedRun(() => this.refreshOnce(), () => !this.stopped);
  private stopped = false;
  private expireSeconds = 0;
  /** Bumped by each new version of the records: a zone file write of an older one stops. */
  private generation = 0;
  private fileWrites: Promise<void> = Promise.resolve();

  constructor(private readonly opts: SecondaryZoneOptions) {
    this.origin = opts.source.origin;
    this.source = opts.source;
    this.catalog = opts.catalog ?? null;
    const { host, port } = opts.source;
    this.primary = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  get expired(): boolean {
    return this.expiresAt !== null && Date.now() >= this.expiresAt;
  }

  /** Picks up what a previous run left in --xfr-dir, then refreshes at once. */
  start(): void {
    const { dir } = this.opts;
    const state = loadState(dir, this.origin);
    const { data, error } = loadZoneData(dir, this.origin);
    if (error) this.opts.log.warn({ zone: this.origin, error }, 'secondary zone file in --xfr-dir does not load; transferring it afresh');
    if (data) {
      this.data = data;
      this.serial = data.soa.serial;
      this.expireSeconds = clamp(data.soa.expire, TIMER_LIMITS.expire);
      // Never fresher than the state file says, nor than the file itself when the state is missing.
      this.lastRefreshAt = state?.serial === data.soa.serial ? state.lastRefreshAt : zoneFileMtime(dir, this.origin);
      this.expiresAt = (this.lastRefreshAt ?? 0) + this.expireSeconds * 1000;
      this.opts.log.info({ zone: this.origin, serial: this.serial, lastRefreshAt: this.lastRefreshAt, expired: this.expired }, 'secondary zone served from --xfr-dir until the first refresh');
    }
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** NOTIFY or a timer: one refresh at a time; a request during one queues exactly one more. */
  refresh(): Promise<void> {
    return this.refreshes.run();
  }

  status(): SecondaryZoneStatus {
    return {
      origin: this.origin, source: 'secondary', primary: this.primary, catalog: this.opts.catalog ?? null, serial: this.serial,
      records: this.data?.size ?? 0, lastRefreshAt: this.lastRefreshAt, nextRefreshAt: this.nextRefreshAt,
      refreshSeconds: this.data ? clamp(this.data.soa.refresh, TIMER_LIMITS.refresh) : null, expiresAt: this.expiresAt,
      expired: this.expired, lastError: this.lastError, lastErrorAt: this.lastErrorAt,
    };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.nextRefreshAt = Date.now() + delayMs;
    // Wake at expiry too, so SERVFAIL and the withdrawal start on time, not at the next retry.
    const untilExpiry = this.expiresAt !== null && !this.expired ? this.expiresAt - Date.now() : Infinity;
    const wake = Math.max(0, Math.min(delayMs, untilExpiry));
    this.timer = setTimeout(() => {
      this.timer = null;
      if (Date.now() >= (this.nextRefreshAt ?? 0)) void this.refresh();
      else {
        this.opts.onChange(this); // expiry reached
        this.schedule(this.nextRefreshAt! - Date.now());
      }
    }, wake);
    this.timer.unref();
  }

  private async attempt(type: XfrType): Promise<TransferResult> {
    try {
      const result = await transfer({
        zone: this.origin, primary: { host: this.opts.source.host, port: this.opts.source.port }, key: this.opts.key,
        serial: this.serial, type,
        idleTimeoutMs: this.opts.idleTimeoutMs ?? 10_000, totalTimeoutMs: this.opts.totalTimeoutMs ?? 300_000,
      });
      this.counts[type].ok++;
      return result;
    } catch (err) {
      this.counts[type].error++;
      throw err;
    }
  }

  private async refreshOnce(): Promise<void> {
    const started = Date.now();
    let type: XfrType = this.data ? 'ixfr' : 'axfr';
    try {
      let result: TransferResult;
      let next: ZoneData | null = null;
      try {
        result = await this.attempt(type);
        if (result.kind === 'incremental') {
          this.data!.apply(result.diffs);
          next = this.data;
          // Served from the diff within milliseconds; the zone file below takes seconds for a big zone.
          this.opts.onDiff?.(this, result.diffs);
        }
      } catch (err) {
        if (type !== 'ixfr') throw err;
        // IXFR refused, unsupported, or its diffs do not fit our copy: a full transfer settles it (RFC 1995 section 4).
        this.opts.log.warn({ zone: this.origin, err: (err as Error).message }, 'IXFR failed; falling back to AXFR');
        type = 'axfr';
        result = await this.attempt(type);
      }
      if (result.kind === 'full') next = new ZoneData(this.origin, result.records);
      if (next && result.kind === 'incremental') {
        // The workers serve the diff already; the file (seconds for a big zone) must not hold up the next NOTIFY.
        this.persistInBackground(next, started);
      } else if (next) {
        this.generation++; // a write of the older records still under way stops
        await saveZone(this.opts.dir, next, `transferred by ${type.toUpperCase()} from ${this.primary}`);
      }
      if (next) {
        this.opts.log.info({ zone: this.origin, type, serial: next.soa.serial, previousSerial: this.serial, records: next.size, ms: Date.now() - started }, 'zone transferred');
        this.data = next;
        this.serial = next.soa.serial;
      }
      const soa = this.data!.soa;
      this.expireSeconds = clamp(soa.expire, TIMER_LIMITS.expire);
      this.lastRefreshAt = started;
      this.expiresAt = started + this.expireSeconds * 1000;
      this.lastError = null;
      await saveState(this.opts.dir, { origin: this.origin, primary: this.primary, serial: this.serial!, lastRefreshAt: started, expire: this.expireSeconds });
      this.schedule(clamp(soa.refresh, TIMER_LIMITS.refresh) * 1000);
      this.opts.onChange(this); // new data, or a later expiry (EDNS EXPIRE) for the workers
    } catch (err) {
      this.lastError = `${type.toUpperCase()} from ${this.primary}: ${(err as Error).message}`;
      this.lastErrorAt = Date.now();
      const retry = this.data ? clamp(this.data.soa.retry, TIMER_LIMITS.retry) : TIMER_LIMITS.retry[0] * 5;
      this.opts.log.error({ zone: this.origin, err: this.lastError, retryInS: retry, expired: this.expired, keeping: this.serial }, 'zone refresh failed; keeping the zone we have');
      this.schedule(retry * 1000);
      this.opts.onChange(this);
    }
  }

  /** Zone file, then state, one write at a time; a write overtaken by newer records gives way to the newer one. */
  private persistInBackground(data: ZoneData, refreshedAt: number): void {
    const generation = ++this.generation;
    const superseded = () => generation !== this.generation || this.stopped;
    this.fileWrites = this.fileWrites.then(async () => {
      if (superseded()) return;
      try {
        await saveZone(this.opts.dir, data, `transferred by IXFR from ${this.primary}`, superseded);
        await saveState(this.opts.dir, { origin: this.origin, primary: this.primary, serial: data.soa.serial, lastRefreshAt: refreshedAt, expire: this.expireSeconds });
        this.opts.onChange(this); // the workers take the file (already served from the diff)
      } catch (err) {
        if (err instanceof SupersededWrite) return;
        this.lastError = `writing the zone file to ${this.opts.dir}: ${(err as Error).message}`;
        this.lastErrorAt = Date.now();
        this.opts.log.error({ zone: this.origin, err: this.lastError }, 'cannot write the transferred zone; it is served, but a restart starts from the older file');
        this.opts.onChange(this);
      }
    });
  }
}
