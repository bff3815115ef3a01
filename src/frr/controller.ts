// FRR behind the routing-controller interface: read bgpd's config, send the ordered batch, refresh, read back.

import { NewestWins } from '../routing/newest-wins.js';
import type { RoutingController, RoutingResult, RoutingSpec, RoutingStatus } from '../routing/controller.js';
import { buildBatch, differences, parseRunningConfig, type FrrObserved } from './config.js';
import { FRR_ERROR_KINDS, vtyshFailure, vtyshRunner, type FrrErrorKind, type VtyshRunner } from './vtysh.js';

export interface FrrLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface FrrControllerOptions {
  /** `--frr-vtysh`: vtysh's path, optionally with arguments. Default `vtysh`. */
  vtysh?: string;
  /** Replaces the vtysh runner (tests). */
  run?: VtyshRunner;
  /** Per vtysh invocation. Default 2000 ms. */
  timeoutMs?: number;
  /** Attempts per apply. Default 3; the control plane tries again next round after that. */
  attempts?: number;
  /** reconcile() reads bgpd's config at most this often (a read per 200 ms round would load a busy host). Default 1000. */
  checkEveryMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  logger?: FrrLogger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface FrrStatus extends RoutingStatus {
  /** Successful applies (config read back and matching). */
  applies: number;
  /** Applies that failed after every attempt, by kind. */
  applyFailures: Record<FrrErrorKind, number>;
  /** vtysh invocations, reads and writes. */
  vtyshRuns: number;
  /** Times bgpd was found without our objects after we had applied them (a bgpd restart, an operator edit). */
  drifts: number;
  localAs: number | null;
  lastApply: { at: number; ok: boolean; attempts: number; durationMs: number; lines: number } | null;
  /** What the last read-back still found different (empty when it matched). */
  pending: string[];
}

const RUNNING_CONFIG = 'show running-config bgpd';

class FrrStepError extends Error {
  constructor(readonly kind: FrrErrorKind, message: string) {
    super(message);
  }
}

export class FrrController implements RoutingController {
  readonly router = 'frr' as const;
  private readonly run: VtyshRunner;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly counters: FrrStatus;
  private readonly queue = new NewestWins<RoutingSpec, RoutingResult>(
    (spec) => this.applyWithRetry(spec),
    () => ({ applied: false, superseded: true, attempts: 0, durationMs: 0 }),
    (err) => ({ applied: false, attempts: 0, durationMs: 0, error: String(err), errorKind: 'other' }),
  );
  /** The spec bgpd last confirmed; reconcile compares bgpd against it. */
  private confirmed: RoutingSpec | null = null;
  /** The newest spec handed to apply(): a reconcile started earlier must not re-apply an older one. */
  private latest: RoutingSpec | null = null;
  /** bgpd's config as last read back, so the next change needs no read first (a retry reads afresh). */
  private lastSeen: FrrObserved | null = null;
  private lastCheckAt = -Infinity;

  constructor(private readonly opts: FrrControllerOptions = {}) {
    this.run = opts.run ?? vtyshRunner(opts.vtysh ?? 'vtysh');
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.now = opts.now ?? Date.now;
    this.counters = {
      router: 'frr',
      desired: null,
      applied: false,
      lastSuccessAt: null,
      lastError: null,
      busy: false,
      applies: 0,
      applyFailures: Object.fromEntries(FRR_ERROR_KINDS.map((k) => [k, 0])) as Record<FrrErrorKind, number>,
      vtyshRuns: 0,
      drifts: 0,
      localAs: null,
      lastApply: null,
      pending: [],
    };
  }

  apply(spec: RoutingSpec): Promise<RoutingResult> {
    this.latest = spec;
    return this.queue.submit(spec);
  }

  /** Each health round: one read of bgpd's config; re-applies when it no longer shows our state (bgpd restarted). */
  async reconcile(spec: RoutingSpec): Promise<RoutingResult | null> {
    if (this.queue.busy) return null;
    const confirmed = this.confirmed;
    if (!confirmed || confirmed.state !== spec.state || !this.counters.applied) return this.apply(spec);
    if (performance.now() - this.lastCheckAt < (this.opts.checkEveryMs ?? 1000)) return null;
    this.lastCheckAt = performance.now();
    let diff: string[];
    try {
      diff = differences(await this.read(), spec);
    } catch (err) {
      // bgpd down or vtysh hung: nothing to re-apply to yet; say so and try again next round.
      const e = err as FrrStepError;
      this.counters.applied = false;
      this.noteError(e.kind ?? 'other', e.message);
      return null;
    }
    // A transition's apply() came in while we read: that one wins.
    if (diff.length === 0 || this.queue.busy || (this.latest && this.latest.state !== spec.state)) return null;
    this.counters.drifts++;
    this.counters.applied = false;
    this.opts.logger?.warn({ differences: diff.slice(0, 5) }, 'FRR no longer shows our state (bgpd restarted?); re-applying');
    return this.apply(spec);
  }

  status(): FrrStatus {
    return {
      ...this.counters,
      applyFailures: { ...this.counters.applyFailures },
      desired: this.counters.desired && { ...this.counters.desired },
      lastError: this.counters.lastError && { ...this.counters.lastError },
      lastApply: this.counters.lastApply && { ...this.counters.lastApply },
      pending: [...this.counters.pending],
      busy: this.queue.busy,
    };
  }

  private async applyWithRetry(spec: RoutingSpec): Promise<RoutingResult> {
    const start = performance.now();
    const attempts = Math.max(1, this.opts.attempts ?? 3);
    const base = this.opts.baseDelayMs ?? 100;
    const max = this.opts.maxDelayMs ?? 2000;
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    this.counters.desired = { state: spec.state, reason: spec.reason, at: this.now() };
    this.counters.applied = false;
    let last: FrrStepError = new FrrStepError('other', 'not tried');
    let lines = 0;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        lines = await this.applyOnce(spec, attempt === 1);
        const durationMs = performance.now() - start;
        this.counters.applies++;
        this.counters.applied = true;
        this.counters.lastSuccessAt = this.now();
        this.counters.lastApply = { at: this.now(), ok: true, attempts: attempt, durationMs, lines };
        this.confirmed = spec;
        this.opts.logger?.info({ state: spec.state, lines, attempts: attempt, ms: Math.round(durationMs) }, 'FRR updated');
        return { applied: true, attempts: attempt, durationMs };
      } catch (err) {
        last = err instanceof FrrStepError ? err : new FrrStepError('other', String((err as Error)?.message ?? err));
      }
      // A newer state is waiting: stop retrying this one.
      if (attempt === attempts || this.queue.hasNewer) break;
      await sleep(Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2));
      if (this.queue.hasNewer) break;
    }
    const durationMs = performance.now() - start;
    this.counters.applyFailures[last.kind]++;
    this.counters.lastApply = { at: this.now(), ok: false, attempts, durationMs, lines };
    this.noteError(last.kind, last.message);
    this.opts.logger?.warn({ state: spec.state, kind: last.kind }, `FRR not updated: ${last.message}`);
    return { applied: false, attempts, durationMs, error: last.message, errorKind: last.kind };
  }

  /**
   * Read (or take the last read-back), send what differs and refresh the peers, read back. A stale read-back (bgpd
   * restarted since) is harmless: removing an absent entry is a no-op, and the read-back sends us round again.
   * Returns the number of config lines sent.
   */
  private async applyOnce(spec: RoutingSpec, mayUseLastSeen: boolean): Promise<number> {
    const before = mayUseLastSeen && this.lastSeen ? this.lastSeen : await this.read();
    const batch = buildBatch(before, spec);
    let sendError: FrrStepError | null = null;
    if (batch.config.length > 0) {
      const out = await this.vtysh(['configure terminal', ...batch.config, 'end', ...batch.clear], 'bgpd');
      const failed = vtyshFailure(out, this.timeoutMs);
      // A failed line leaves the earlier ones applied (safe by their order); the read-back decides.
      if (failed) sendError = new FrrStepError(failed.kind, failed.message);
    }
    // The static routes (staticd) come after the refresh and may fail alone: a connected route serves the network
    // statement too. Only when network statements were added (first apply, or bgpd lost them in a restart).
    if (batch.config.some((l) => l.trimStart().startsWith('network '))) {
      const staticsFailed = vtyshFailure(await this.vtysh(['configure terminal', ...batch.statics], 'staticd'), this.timeoutMs);
      if (staticsFailed) this.opts.logger?.warn({ kind: staticsFailed.kind }, `FRR blackhole routes not set: ${staticsFailed.message}`);
    }
    const after = await this.read();
    const diff = differences(after, spec);
    this.counters.pending = diff;
    if (diff.length > 0) throw sendError ?? new FrrStepError('not-verified', `bgpd does not show the change: ${diff.slice(0, 3).join('; ')}`);
    // The batch failed after its last config line (in the refresh): refresh again, or peers wait for the timer.
    if (sendError) {
      const failed = vtyshFailure(await this.vtysh(batch.clear, 'bgpd'), this.timeoutMs);
      if (failed) throw new FrrStepError(failed.kind, `refresh: ${failed.message}`);
    }
    return batch.config.length;
  }

  private async read(): Promise<FrrObserved> {
    this.lastSeen = null;
    const out = await this.vtysh([RUNNING_CONFIG], 'bgpd');
    const failed = vtyshFailure(out, this.timeoutMs);
    if (failed) throw new FrrStepError(failed.kind, failed.message);
    const obs = parseRunningConfig(out.stdout);
    if (obs.localAs === null) throw new FrrStepError('bgpd-down', 'bgpd shows no `router bgp` (down, or not configured)');
    this.counters.localAs = obs.localAs;
    this.lastSeen = obs;
    return obs;
  }

  private vtysh(commands: string[], daemon: 'bgpd' | 'staticd') {
    this.counters.vtyshRuns++;
    return this.run(commands, this.timeoutMs, daemon);
  }

  private noteError(kind: string, message: string): void {
    this.counters.lastError = { at: this.now(), kind, message };
  }
}
