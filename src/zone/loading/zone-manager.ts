// Keeps the served zones in step with the zones directory: only changed files are recompiled, a broken or
// older file never replaces a good zone, a deleted file is dropped only after a grace period.

import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { ZoneFileStatus } from '../../contract/zone-status.js';
import type { CompiledZone } from '../compiled/compiled.js';
import type { ZoneCompileService } from './compile-pool.js';
import type { ZonePatch } from '../compiled/patch.js';
import type { LoadResult } from './load.js';
import { listZoneFiles } from './zone-dir.js';
import { DirWatcher } from './dir-watcher.js';
import { serialLess } from '../records/serial.js';
import { writeFileAtomic } from '../../lib/atomic-write.js';
import { CoalescedRun } from '../../lib/coalesced-run.js';

export interface ZoneManagerOptions {
  dir: string;
  /** File name (not path) to origin, for files named neither after their zone nor starting with $ORIGIN. */
  origins: Record<string, string>;
  debounceMs: number;
  rescanMs: number;
  deleteGraceMs: number;
  /** RFC 1982: a serial that goes backwards is refused unless this is set. */
  allowSerialRollback: boolean;
  /**
   * Where a copy of each zone file's last good version is kept. A file that is broken when the
   * service (or a worker) starts is then served from that copy instead of going missing.
   */
  cacheDir: string | null;
  /**
   * For zones that take IXFR diffs (--xfr-dir): the serial a file says it holds, read from its first line without
   * compiling it. A file written after its diff was applied is then taken as it is, not compiled again.
   */
  headerSerial?: (file: string) => number | null;
}

export const DEFAULT_ZONE_MANAGER_OPTIONS: Omit<ZoneManagerOptions, 'dir'> = {
  origins: {},
  debounceMs: 200,
  rescanMs: 5000,
  deleteGraceMs: 30_000,
  allowSerialRollback: false,
  cacheDir: null,
};

/** A signature this close to expiry gets a warning log line: validating resolvers will soon reject the zone. */
export const EXPIRY_WARNING_SECONDS = 86_400;

interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

interface Entry {
  file: string;
  stamp: FileStamp | null;
  hash: string | null;
  zone: CompiledZone | null;
  lastError: string | null;
  lastErrorAt: number | null;
  lastSuccessAt: number | null;
  removeAt: number | null;
  /** The zone came from a diff, not from the file (which may still hold the serial before it). */
  patched?: boolean;
  /** The signature expiry already warned about (as soon, then as past), so each is logged once. */
  warnedExpiry?: { expiry: number; expired: boolean };
}

function stampOf(file: string): FileStamp | null {
  try {
    const s = statSync(file);
    return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
  } catch {
    return null;
  }
}

const sameStamp = (a: FileStamp | null, b: FileStamp | null) =>
  a !== null && b !== null && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;

export class ZoneManager {
  private readonly entries = new Map<string, Entry>();
  private readonly watcher: DirWatcher;
  private debounce: NodeJS.Timeout | null = null;
  private readonly passes = new CoalescedRun(() => {
    const force = this.forceNext;
    this.forceNext = false;
    return this.pass(force);
  });
  private forceNext = false;
  /** Diffs apply one after the other: the second of two quick IXFRs starts from the first one's result. */
  private patching: Promise<unknown> = Promise.resolve();
  /** Total zone files that failed to load (parse, check, serial, conflicts), for the metric. */
  loadErrors = 0;
  reloads = 0;
  /** IXFR diffs patched into a compiled zone, and diffs left to the zone file (refused, or the zone moved on). */
  diffsApplied = 0;
  diffsRefused = 0;
  /** Last-good copies that could not be written. */
  cacheErrors = 0;
  /** Where else an origin is already served (the other zones directory), or null: the first one loaded stays. */
  servedElsewhere: ((origin: string) => string | null) | null = null;

  constructor(
    private readonly opts: ZoneManagerOptions,
    private readonly compiler: ZoneCompileService,
    private readonly onSwap: (zones: CompiledZone[]) => void,
    private readonly log: Logger,
  ) {
    this.watcher = new DirWatcher({ dir: opts.dir, rescanMs: opts.rescanMs, onChange: () => this.schedule() }, log);
  }

  /**
   * Loads every zone once and follows the directory. The watch starts first: a file changed while
   * the others still load (after its own load) would otherwise wait for the next rescan.
   */
  async start(): Promise<void> {
    this.watcher.start();
    await this.sync(false);
  }

  stop(): void {
    this.watcher.stop();
    if (this.debounce) clearTimeout(this.debounce);
  }

  /** SIGHUP and `anycastd reload`: recompile every file even if it looks unchanged ($INCLUDEd files may have changed). */
  reload(): Promise<void> {
    return this.sync(true);
  }

  /** Debounces bursts of events (an rsync run, an editor's save dance) into one pass. */
  schedule(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      void this.sync(false);
    }, this.opts.debounceMs);
    this.debounce.unref();
  }

  /** Runs one pass at a time; a request during a pass queues exactly one more. */
  sync(force: boolean): Promise<void> {
    this.forceNext ||= force;
    return this.passes.run();
  }

  /**
   * Applies an IXFR diff to the zone being served (off the event loop) and swaps it in. Resolves to null when the
   * diff is served, else to why not; the zone file, written next by whoever sent the diff, then brings the change.
   */
  patch(origin: string, patch: ZonePatch): Promise<string | null> {
    // Never rejects: a bug in one diff must neither stop the diffs after it nor reach the worker as an unhandled error.
    const run = this.patching.then(() => this.patchNow(origin, patch)).catch((err: Error) => `internal error: ${err.message}`).then((why) => {
      if (why === null) this.diffsApplied++;
      else this.diffsRefused++;
      return why;
    });
    this.patching = run;
    return run;
  }

  private async patchNow(origin: string, patch: ZonePatch): Promise<string | null> {
    const entry = [...this.entries.values()].find((e) => e.zone?.meta.origin === origin);
    const before = entry?.zone;
    if (!entry || !before) return `zone ${origin} is not loaded`;
    if (!this.compiler.patch) return 'this compiler cannot apply diffs';
    const started = Date.now();
    let reply;
    try {
      reply = await this.compiler.patch(before, patch);
    } catch (err) {
      return `zone compiler failed: ${(err as Error).message}`;
    }
    if (!reply.zone) return reply.error;
    if (entry.zone !== before) return 'the zone changed while the diff was applied';
    entry.zone = reply.zone;
    entry.patched = true;
    entry.hash = null;
    entry.lastError = null;
    entry.lastSuccessAt = Date.now();
    this.log.info({ file: entry.file, origin, serial: reply.zone.meta.serial, previousSerial: before.meta.serial, records: reply.zone.meta.records, ms: Date.now() - started }, 'zone diff applied');
    this.onSwap(this.zones());
    return null;
  }

  /** The file serving an origin, or null. */
  fileServing(origin: string): string | null {
    for (const e of this.entries.values()) if (e.zone?.meta.origin === origin) return e.file;
    return null;
  }

  zones(): CompiledZone[] {
    return [...this.entries.values()].flatMap((e) => (e.zone ? [e.zone] : []));
  }

  /** Called each report round, so it also logs signatures that come close to expiry while serving. */
  status(now = Date.now()): ZoneFileStatus[] {
    for (const e of this.entries.values()) this.warnIfExpiring(e, now / 1000);
    return [...this.entries.values()].map((e) => ({
      file: e.file,
      origin: e.zone?.meta.origin ?? null,
      serial: e.zone?.meta.serial ?? null,
      records: e.zone?.meta.records ?? 0,
      loadedAt: e.zone?.meta.loadedAt ?? null,
      hash: e.zone ? e.hash : null,
      lastError: e.lastError,
      lastErrorAt: e.lastErrorAt,
      lastSuccessAt: e.lastSuccessAt,
      removeAt: e.removeAt,
      signatureExpiry: e.zone && e.zone.meta.signatureExpiry > 0 ? e.zone.meta.signatureExpiry : null,
    }));
  }

  private warnIfExpiring(e: Entry, now: number): void {
    const meta = e.zone?.meta;
    if (!meta || meta.signatureExpiry === 0 || meta.signatureExpiry - now > EXPIRY_WARNING_SECONDS) return;
    const expired = meta.signatureExpiry <= now;
    if (e.warnedExpiry && e.warnedExpiry.expiry === meta.signatureExpiry && e.warnedExpiry.expired === expired) return;
    e.warnedExpiry = { expiry: meta.signatureExpiry, expired };
    const at = new Date(meta.signatureExpiry * 1000).toISOString();
    this.log.warn(
      { file: e.file, origin: meta.origin, expiry: at, where: meta.signatureExpiryWhere, record: meta.signatureExpiryRecord },
      expired ? `zone ${meta.origin}: signature ${meta.signatureExpiryRecord} expired at ${at}; validating resolvers fail it; re-sign the zone`
        : `zone ${meta.origin}: signature ${meta.signatureExpiryRecord} expires at ${at}, within a day; re-sign the zone`,
    );
  }

  private async pass(force: boolean): Promise<void> {
    let files: string[];
    try {
      files = listZoneFiles(this.opts.dir);
    } catch (err) {
      // A missing or unreadable directory changes nothing: what is serving keeps serving.
      this.log.error({ err, dir: this.opts.dir }, 'cannot read zones directory; keeping the zones already loaded');
      return;
    }
    let changed = false;
    const present = new Set(files);
    for (const file of files) changed = (await this.refresh(file, force)) || changed;
    changed = this.expireDeleted(present) || changed;
    this.reloads++;
    if (changed) this.onSwap(this.zones());
  }

  private async refresh(file: string, force: boolean): Promise<boolean> {
    let entry = this.entries.get(file);
    if (!entry) {
      entry = { file, stamp: null, hash: null, zone: null, lastError: null, lastErrorAt: null, lastSuccessAt: null, removeAt: null };
      this.entries.set(file, entry);
    }
    if (entry.removeAt !== null) {
      this.log.info({ file }, 'zone file is back; keeping its zone');
      entry.removeAt = null;
    }
    const before = stampOf(file);
    if (!force && sameStamp(before, entry.stamp)) return false;
    if (!force && entry.patched && entry.zone) {
      const fileSerial = this.opts.headerSerial?.(file) ?? null;
      // The file caught up with the diffs already served (nothing to compile), or lags behind them (wait for the next).
      const caughtUp = fileSerial === entry.zone.meta.serial;
      if (caughtUp || (fileSerial !== null && serialLess(fileSerial, entry.zone.meta.serial))) {
        entry.stamp = before;
        entry.patched = !caughtUp;
        return false;
      }
    }
    let result: LoadResult;
    try {
      result = await this.compiler.compile(file, {
        origin: this.opts.origins[basename(file)],
        previousHash: force ? undefined : entry.hash ?? undefined,
        keepBytes: this.opts.cacheDir !== null,
      });
    } catch (err) {
      this.fail(entry, `zone compiler failed: ${(err as Error).message}`, before);
      return this.loadLastGood(entry);
    }
    for (const w of result.warnings) this.log.warn({ file: w.file, line: w.line }, `${w.file}:${w.line}: warning: ${w.message}`);
    if (!sameStamp(before, stampOf(file))) {
      // Written to while we read it: never serve what may be half a file; the next event or rescan retries.
      this.log.info({ file }, 'zone file changed while loading; will load it again');
      this.passes.runAgain();
      return false;
    }
    if (result.unchanged) {
      // Same bytes as the version serving (a touch, or a bad edit reverted).
      entry.stamp = before;
      if (entry.zone) entry.lastError = null;
      return false;
    }
    if (result.zone === null) {
      for (const e of result.errors) this.log.error({ file: e.file, line: e.line }, `${e.file}:${e.line}: ${e.message}`);
      const first = result.errors[0];
      const more = result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : '';
      this.fail(entry, first ? `${first.file}:${first.line}: ${first.message}${more}` : 'zone failed to load', before, result.hash);
      return this.loadLastGood(entry);
    }
    const zone = result.zone;
    const old = entry.zone;
    const conflict = [...this.entries.values()].find((e) => e !== entry && e.zone?.meta.origin === zone.meta.origin);
    if (conflict) return this.fail(entry, `zone ${zone.meta.origin} is already served from ${conflict.file}; not loading it from here too`, before, result.hash);
    const elsewhere = this.servedElsewhere?.(zone.meta.origin) ?? null;
    if (elsewhere !== null) return this.fail(entry, `zone ${zone.meta.origin} is already served from ${elsewhere}; not loading it from here too`, before, result.hash);
    if (old && old.meta.origin === zone.meta.origin && !this.opts.allowSerialRollback && serialLess(zone.meta.serial, old.meta.serial)) {
      return this.fail(entry, `serial went backwards (${old.meta.serial} -> ${zone.meta.serial}); keeping ${old.meta.serial} (RFC 1982; set allowSerialRollback to accept)`, before, result.hash);
    }
    // A diff may have brought this serial already (entry.patched): then the file merely caught up.
    if (old && old.meta.serial === zone.meta.serial && !entry.patched) this.log.warn({ file, serial: zone.meta.serial }, 'zone content changed but its SOA serial did not; secondaries and caches will not notice');
    entry.zone = zone;
    entry.patched = false;
    entry.hash = result.hash;
    entry.stamp = before;
    entry.lastError = null;
    entry.lastSuccessAt = Date.now();
    this.log.info({ file, origin: zone.meta.origin, serial: zone.meta.serial, records: zone.meta.records, previousSerial: old?.meta.serial ?? null }, 'zone loaded');
    if (result.bytes) void this.saveLastGood(file, result.bytes);
    return true;
  }

  private lastGoodPath(file: string): string | null {
    return this.opts.cacheDir === null ? null : join(this.opts.cacheDir, basename(file));
  }

  /** Keeps the exact bytes being served; a failure here (disk full) is logged and never affects serving. */
  private async saveLastGood(file: string, bytes: Uint8Array): Promise<void> {
    const path = this.lastGoodPath(file)!;
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, bytes);
    } catch (err) {
      this.cacheErrors++;
      this.log.warn({ err, file, copy: path }, 'cannot keep a last-good copy of the zone; serving is not affected');
    }
  }

  /** Nothing serves this file yet and it does not load: serve the last good copy, if one was kept. */
  private async loadLastGood(entry: Entry): Promise<boolean> {
    const copy = this.lastGoodPath(entry.file);
    if (entry.zone !== null || copy === null || !existsSync(copy)) return false;
    let result: LoadResult;
    try {
      result = await this.compiler.compile(copy, { origin: this.opts.origins[basename(entry.file)] });
    } catch {
      return false;
    }
    const zone = result.zone;
    if (zone === null || [...this.entries.values()].some((e) => e.zone?.meta.origin === zone.meta.origin)) return false;
    if (this.servedElsewhere?.(zone.meta.origin)) return false;
    entry.zone = zone;
    entry.lastError = `${entry.lastError}; serving the last good copy (serial ${zone.meta.serial}) from ${copy}`;
    this.log.warn({ file: entry.file, copy, origin: zone.meta.origin, serial: zone.meta.serial }, 'zone file does not load; serving its last good copy');
    return true;
  }

  private fail(entry: Entry, message: string, stamp: FileStamp | null, hash: string | null = null): boolean {
    this.loadErrors++;
    entry.lastError = message;
    entry.lastErrorAt = Date.now();
    // Remember the bad version so it is not recompiled on every rescan; any change to the file retries.
    entry.stamp = stamp;
    if (hash !== null && entry.zone === null) entry.hash = hash;
    this.log.error({ file: entry.file, keeping: entry.zone ? entry.zone.meta.serial : null }, `zone not loaded: ${message}`);
    return false;
  }

  private expireDeleted(present: Set<string>): boolean {
    let changed = false;
    const now = Date.now();
    for (const entry of this.entries.values()) {
      if (present.has(entry.file)) continue;
      if (entry.zone === null) {
        this.entries.delete(entry.file);
        continue;
      }
      if (entry.removeAt === null && this.opts.deleteGraceMs > 0) {
        entry.removeAt = now + this.opts.deleteGraceMs;
        this.log.warn({ file: entry.file, origin: entry.zone.meta.origin, graceMs: this.opts.deleteGraceMs }, 'zone file deleted; the zone is removed after the grace period unless the file returns');
        setTimeout(() => this.schedule(), this.opts.deleteGraceMs + 10).unref();
      } else if (entry.removeAt === null || now >= entry.removeAt) {
        // No grace (--xfr-dir: a zone removed from its catalog stops being served at once, RFC 9432 section 5.3).
        this.log.warn({ file: entry.file, origin: entry.zone.meta.origin }, 'zone removed: its file stayed deleted past the grace period');
        this.entries.delete(entry.file);
        changed = true;
      }
    }
    return changed;
  }
}
