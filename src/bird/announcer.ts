// Applies a desired announce state to BIRD: write the include file, then reload; serialised, coalescing, never throwing.

import { NewestWins } from '../routing/newest-wins.js';
import { AtomicWriteError } from '../lib/atomic-write.js';
import { BIRD_ERROR_KINDS, BirdControl, reloadWithRetry, type BirdErrorKind, type Reloader, type ReloadRetryOptions } from './control-socket.js';
import { writeInclude, type AnnounceState, type IncludeSpec } from './include-file.js';

export interface ApplyResult {
  written: boolean;
  reloaded: boolean;
  /** BIRD's reply code to the last `configure` (3, 4, 19, 8002, ...). */
  code?: number;
  error?: string;
  /** What failed: the write (kind of AtomicWriteError, or 'invalid' input) or the reload. */
  errorKind?: string;
  attempts: number;
  durationMs: number;
  /** A newer apply() arrived before this one started; this state was never written. */
  superseded?: boolean;
}

export interface AnnouncerStatus {
  writes: number;
  writeFailures: number;
  /** Successful reloads. */
  reloads: number;
  /** Failed reloads (after retries) by kind. */
  reloadFailures: Record<BirdErrorKind, number>;
  /** `configure` commands sent, retries included. */
  reloadAttempts: number;
  /** Epoch ms of the last apply() that wrote and reloaded. */
  lastSuccessAt: number | null;
  lastError: { at: number; kind: string; message: string } | null;
  lastReload: { at: number; ok: boolean; code?: number; durationMs: number; attempts: number } | null;
  /** The state in the include file now (what BIRD gets on its next read). */
  written: { state: AnnounceState; reason: string; at: number } | null;
  busy: boolean;
}

export interface AnnouncerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface AnnouncerOptions {
  includePath: string;
  socketPath: string;
  /** Per `configure` attempt (connect + greeting + reply). Default 2000 ms. */
  timeoutMs?: number;
  retry?: Omit<ReloadRetryOptions, 'client' | 'signal'>;
  /** Replaces the socket client (tests). */
  client?: Reloader;
  /** Replaces the include writer (tests). */
  write?: (path: string, spec: IncludeSpec) => Promise<unknown>;
  logger?: AnnouncerLogger;
  now?: () => number;
}

export class BirdAnnouncer {
  private readonly client: Reloader;
  private readonly write: (path: string, spec: IncludeSpec) => Promise<unknown>;
  private readonly now: () => number;
  private readonly counters: AnnouncerStatus;
  private readonly queue = new NewestWins<IncludeSpec, ApplyResult>(
    (spec) => this.applyOne(spec),
    () => ({ written: false, reloaded: false, attempts: 0, durationMs: 0, superseded: true }),
    // applyOne catches everything it expects; this is a last guard so apply() never rejects.
    (err) => ({ written: false, reloaded: false, attempts: 0, durationMs: 0, error: String(err), errorKind: 'other' }),
  );
  private abort: AbortController | null = null;

  constructor(private readonly opts: AnnouncerOptions) {
    this.client = opts.client ?? new BirdControl({ socketPath: opts.socketPath, timeoutMs: opts.timeoutMs });
    this.write = opts.write ?? ((path, spec) => writeInclude(path, spec));
    this.now = opts.now ?? Date.now;
    this.counters = {
      writes: 0,
      writeFailures: 0,
      reloads: 0,
      reloadFailures: Object.fromEntries(BIRD_ERROR_KINDS.map((k) => [k, 0])) as Record<BirdErrorKind, number>,
      reloadAttempts: 0,
      lastSuccessAt: null,
      lastError: null,
      lastReload: null,
      written: null,
      busy: false,
    };
  }

  /**
   * Writes `desired` and reloads BIRD. One write+reload runs at a time; calls that arrive meanwhile
   * wait, and only the newest of them is applied (older ones resolve with superseded: true).
   * Never rejects.
   */
  apply(desired: IncludeSpec): Promise<ApplyResult> {
    // A retry loop for an older state is pointless now: the newer file will be reloaded next.
    this.abort?.abort();
    return this.queue.submit(desired);
  }


  /** A copy of the counters, for /metrics and /status. */
  status(): AnnouncerStatus {
    return {
      ...this.counters,
      reloadFailures: { ...this.counters.reloadFailures },
      lastError: this.counters.lastError && { ...this.counters.lastError },
      lastReload: this.counters.lastReload && { ...this.counters.lastReload },
      written: this.counters.written && { ...this.counters.written },
      busy: this.queue.busy,
    };
  }

  private async applyOne(spec: IncludeSpec): Promise<ApplyResult> {
    const start = performance.now();
    const elapsed = (): number => performance.now() - start;
    try {
      await this.write(this.opts.includePath, spec);
    } catch (err) {
      this.counters.writeFailures++;
      const kind = err instanceof AtomicWriteError ? err.kind : 'invalid';
      const message = err instanceof Error ? err.message : String(err);
      this.noteError(kind, message);
      this.opts.logger?.warn({ kind, path: this.opts.includePath, state: spec.state }, `BIRD include not written: ${message}`);
      return { written: false, reloaded: false, attempts: 0, durationMs: elapsed(), error: message, errorKind: kind };
    }
    this.counters.writes++;
    this.counters.written = { state: spec.state, reason: spec.reason, at: this.now() };

    const abort = new AbortController();
    this.abort = abort;
    const counting: Reloader = {
      configure: () => {
        this.counters.reloadAttempts++;
        return this.client.configure();
      },
    };
    const out = await reloadWithRetry({ ...this.opts.retry, client: counting, signal: abort.signal });
    if (this.abort === abort) this.abort = null;
    const durationMs = elapsed();
    this.counters.lastReload = { at: this.now(), ok: out.ok, code: out.code, durationMs: out.durationMs, attempts: out.attempts };
    if (out.ok) {
      this.counters.reloads++;
      this.counters.lastSuccessAt = this.now();
      this.opts.logger?.info({ state: spec.state, code: out.code, attempts: out.attempts, ms: Math.round(durationMs) }, 'BIRD reloaded');
      return { written: true, reloaded: true, code: out.code, attempts: out.attempts, durationMs };
    }
    const kind = out.error?.kind ?? 'other';
    this.counters.reloadFailures[kind]++;
    this.noteError(kind, out.message);
    this.opts.logger?.warn(
      { state: spec.state, kind, code: out.code, attempts: out.attempts, aborted: out.aborted ?? false },
      `BIRD reload failed: ${out.message}`,
    );
    return { written: true, reloaded: false, code: out.code, error: out.message, errorKind: kind, attempts: out.attempts, durationMs };
  }

  private noteError(kind: string, message: string): void {
    this.counters.lastError = { at: this.now(), kind, message };
  }
}
