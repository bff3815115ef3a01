// The control loop: every interval, ask the workers and our own sockets how we are, fold that into one state, tell the router daemon.

import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { HealthStateMachine, type HealthSnapshot } from '../health/state-machine.js';
import { routingFor } from '../health/state.js';
import type { Transition } from '../health/state.js';
import type { CheckRound } from '../health/check-result.js';
import { judgeOverload, type LoadFigures } from '../health/overload.js';
import type { AnnouncerStatus } from '../bird/announcer.js';
import { BirdRouting } from '../bird/controller.js';
import { FrrController, type FrrStatus } from '../frr/controller.js';
import type { RouterKind, RoutingController, RoutingSpec } from '../routing/controller.js';
import type { ListenAddress } from '../transport/address.js';
import { runSelfCheck, type SelfCheckOutcome, type ZoneExpectation } from './self-check.js';
import type { WorkerReply } from './workers.js';
import type { DataPath } from './data-path.js';
import type { WorkerReport } from '../contract/ipc.js';
import { serialLess } from '../zone/records/serial.js';
import type { Secondaries } from '../xfr/secondaries.js';

export interface ControlConfig {
  listen: ListenAddress[];
  checkIntervalMs: number;
  rise: number;
  fall: number;
  holdDownMs: number;
  maxLagMs: number;
  maxElu: number | null;
  capacityQps: number | null;
  maxRssBytes: number | null;
  anycast: string[];
  birdInclude: string | null;
  birdSocket: string;
  /** --router: which daemon to steer. */
  router?: RouterKind;
  /** --frr-vtysh: vtysh's path, optionally with arguments. */
  frrVtysh?: string;
  prependCount: number;
  med: number | null;
  maintenanceFile: string | null;
}

export interface RoundRecord {
  at: number;
  durationMs: number;
  selfCheck: SelfCheckOutcome;
  workers: WorkerReply[];
  qps: number;
  overload: { overloaded: boolean; detail: string };
}

export class ControlPlane {
  readonly machine: HealthStateMachine;
  readonly routing: RoutingController | null;
  readonly transitions: Transition[] = [];
  readonly transitionCounts = new Map<string, number>();
  lastRound: RoundRecord | null = null;
  /** Called after every round (and its BIRD update): the HTTP thread's snapshot is refreshed from here. */
  onRound: (() => void) | null = null;
  roundsTotal = 0;
  selfCheckFailures = 0;
  private drainRequested = false;
  private stopping = false;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private inFlight: Promise<void> | null = null;
  private lastTotal: { at: number; queries: number } | null = null;
  private expected: ZoneExpectation[] = [];
  private readonly lastReports = new Map<number, WorkerReport>();
  /** Self-check queries sent before this round, subtracted from the query rate. */
  private probesSent = 0;
  private readonly t0 = Date.now() - performance.now();
  /**
   * Secondary zones, when configured: an expired one fails the round (so the node withdraws) unless
   * --keep-expired-announced; one that never loaded keeps the node from its first announcement.
   */
  secondary: Secondaries | null = null;
  private announcedOnce = false;

  /** Served from a file in --zones, as the workers last reported. */
  servedFromFiles(origin: string): boolean {
    for (const r of this.lastReports.values()) if (r.zones.some((z) => z.source === undefined && z.origin === origin && z.serial !== null)) return true;
    return false;
  }

  constructor(private readonly config: ControlConfig, private readonly workers: DataPath, private readonly log: Logger) {
    this.machine = new HealthStateMachine({ rise: config.rise, fall: config.fall, holdDownMs: config.holdDownMs, now: performance.now() });
    this.routing = routingController(config, log);
  }

  /** Sets the withdrawn state at once (BIRD needs the file to exist; FRR gets our objects), then checks every interval. */
  start(): void {
    void this.announce('starting: not yet checked');
    const tick = async () => {
      const started = performance.now();
      await this.round();
      if (this.stopping) return;
      const wait = Math.max(0, this.config.checkIntervalMs - (performance.now() - started));
      this.timer = setTimeout(() => void tick(), wait);
    };
    this.timer = setTimeout(() => void tick(), 0);
  }

  get draining(): boolean {
    return this.drainRequested || (this.config.maintenanceFile !== null && existsSync(this.config.maintenanceFile));
  }

  setDrain(on: boolean): Promise<void> {
    this.drainRequested = on;
    this.log.info({ drain: on }, on ? 'drain requested' : 'undrain requested');
    return this.freshRound();
  }

  /** SIGTERM: withdraw now; the caller keeps answering for the drain window, then stops the workers. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.freshRound();
  }

  /**
   * A round that starts after the one in flight: a drain or a stop must not be swallowed by a round that began
   * before it was asked for (with FRR a round may be waiting on vtysh).
   */
  private async freshRound(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    await this.round();
  }

  /** One evaluation. Rounds never overlap: a slow round (a hung worker) delays the next instead. */
  async round(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let finished!: () => void;
    this.inFlight = new Promise<void>((resolve) => (finished = resolve));
    const started = performance.now();
    try {
      const timeout = Math.max(100, Math.min(1000, Math.floor(this.config.checkIntervalMs * 0.75)));
      // Probes use the zones the workers reported last round, so both run in parallel and a hung
      // worker costs one timeout per round, not two. Until a zone is known, reports come first.
      let workers: WorkerReply[];
      let check: SelfCheckOutcome;
      if (this.expected.length === 0) {
        workers = await this.workers.reports(timeout);
        this.remember(workers);
        check = await runSelfCheck(this.config.listen, this.expected, timeout);
      } else {
        [workers, check] = await Promise.all([this.workers.reports(timeout), runSelfCheck(this.config.listen, this.expected, timeout)]);
        this.remember(workers);
      }
      const known = [...this.lastReports.values()];
      const silent = workers.filter((w) => w.report === null);
      const expired = this.secondary && !this.secondary.config.keepExpiredAnnounced ? this.secondary.expired() : [];
      const selfOk = check.ok && silent.length === 0 && expired.length === 0;
      const detail = silent.length
        ? `worker ${silent[0].id} (pid ${silent[0].pid ?? '-'}) ${silent[0].error}`
        : expired.length ? `secondary zone ${expired.join(', ')} expired (no successful refresh within SOA EXPIRE)` : check.detail;
      if (!selfOk) this.selfCheckFailures++;
      const figures = this.loadFigures(workers, this.probesSent);
      this.probesSent += check.probes.length;
      const overload = judgeOverload(figures, { maxLagMs: this.config.maxLagMs, maxElu: this.config.maxElu });
      const round: CheckRound = {
        at: performance.now(),
        zonesLoaded: zonesLoaded(known) && (this.announcedOnce || this.secondary === null || this.secondary.allLoaded()),
        selfCheck: { ok: selfOk, detail },
        overload,
        draining: this.draining,
        stopping: this.stopping,
      };
      const transition = this.machine.evaluate(round);
      if (this.machine.state === 'up' || this.machine.state === 'overloaded') this.announcedOnce = true;
      this.roundsTotal++;
      // What /status and the metrics show is the round's verdict: a silent worker fails it even when the probes passed.
      const verdict: SelfCheckOutcome = { ok: selfOk, detail, probes: check.probes };
      this.lastRound = { at: Date.now(), durationMs: performance.now() - started, selfCheck: verdict, workers, qps: figures.qps, overload };
      if (transition) {
        this.recordTransition(transition);
        await this.announce(transition.reason);
      } else if (this.routing) {
        // The daemon lags the state (it was absent, an apply failed, bgpd restarted): apply again.
        const result = await this.routing.reconcile(this.spec(this.machine.reason));
        if (result) this.logResult(result);
      }
    } catch (err) {
      this.log.error({ err }, 'health round failed');
    } finally {
      this.running = false;
      this.inFlight = null;
      finished();
      this.onRound?.();
    }
  }

  /**
   * A silent worker is a failed check (counted against --fall), not a lost zone: what it serves
   * comes from its last report, so a blocked event loop never looks like "no zone loaded".
   */
  private remember(workers: WorkerReply[]): void {
    for (const w of workers) if (w.report) this.lastReports.set(w.id, w.report);
    this.expected = expectedZones([...this.lastReports.values()]);
  }

  private loadFigures(workers: WorkerReply[], probesBefore: number): LoadFigures {
    const reports = workers.flatMap((w) => (w.report ? [w.report] : []));
    // Our own probes are not traffic: a drained node must read ~0 qps while it keeps checking itself.
    const total = reports.reduce((n, r) => n + r.queriesUdp + r.queriesTcp, 0) - probesBefore;
    const now = performance.now();
    let qps = 0;
    if (this.lastTotal && now > this.lastTotal.at && total >= this.lastTotal.queries) qps = ((total - this.lastTotal.queries) * 1000) / (now - this.lastTotal.at);
    this.lastTotal = { at: now, queries: total };
    return {
      lagP99Ms: Math.max(0, ...reports.map((r) => r.lag.lagP99Ms)),
      elu: Math.max(0, ...reports.map((r) => r.lag.elu)),
      qps,
      capacityQps: this.config.capacityQps,
      rssBytes: reports.reduce((n, r) => n + r.rssBytes, process.memoryUsage().rss),
      maxRssBytes: this.config.maxRssBytes,
    };
  }

  private recordTransition(t: Transition): void {
    const wall = { ...t, at: Math.round(this.t0 + t.at) };
    this.transitions.push(wall);
    if (this.transitions.length > 50) this.transitions.shift();
    const key = `${t.from}->${t.to}`;
    this.transitionCounts.set(key, (this.transitionCounts.get(key) ?? 0) + 1);
    // Only a failure is a warning; draining and stopping are what the operator asked for.
    const level = t.to === 'down' ? 'warn' : 'info';
    this.log[level]({ from: t.from, to: t.to, routing: routingFor(t.to) }, `health: ${t.from} -> ${t.to}: ${t.reason}`);
  }

  private spec(reason: string): RoutingSpec {
    return { state: routingFor(this.machine.state), prefixes: this.config.anycast, prependCount: this.config.prependCount, med: this.config.med, reason };
  }

  private async announce(reason: string): Promise<void> {
    if (!this.routing) return;
    this.logResult(await this.routing.apply(this.spec(reason)));
  }

  private logResult(result: Awaited<ReturnType<RoutingController['apply']>>): void {
    if (result.superseded) return;
    const daemon = this.routing!.router === 'bird' ? 'BIRD' : 'FRR';
    const state = routingFor(this.machine.state);
    if (!result.applied) {
      this.log.error({ state, error: result.error, kind: result.errorKind, attempts: result.attempts }, `${daemon} not updated; DNS keeps serving, will retry`);
    } else {
      this.log.info({ state, attempts: result.attempts, ms: Math.round(result.durationMs) }, `${daemon} updated`);
    }
  }

  snapshot(): HealthSnapshot {
    return this.machine.snapshot();
  }

  birdStatus(): AnnouncerStatus | null {
    return this.routing instanceof BirdRouting ? this.routing.birdStatus() : null;
  }

  frrStatus(): FrrStatus | null {
    return this.routing instanceof FrrController ? this.routing.status() : null;
  }

  wallTime(at: number): number {
    return Math.round(this.t0 + at);
  }
}

/**
 * The zones every worker serves, each with the oldest serial among them: a zone that one worker has
 * already reloaded is probed for the older serial, and the probe accepts newer ones.
 */
export function expectedZones(reports: WorkerReport[]): ZoneExpectation[] {
  if (reports.length === 0) return [];
  const out: ZoneExpectation[] = [];
  for (const z of reports[0].zones) {
    // An expired secondary zone answers SERVFAIL on purpose; whether that withdraws is decided apart from the probes.
    if (z.origin === null || z.serial === null || z.expired) continue;
    let serial = z.serial;
    const everywhere = reports.every((r) =>
      r.zones.some((o) => {
        if (o.origin !== z.origin || o.serial === null) return false;
        if (serialLess(o.serial, serial)) serial = o.serial;
        return true;
      }),
    );
    if (everywhere) out.push({ origin: z.origin, serial });
  }
  return out;
}

/** Every worker (as last heard from) serves at least one zone. */
export function zonesLoaded(reports: WorkerReport[]): boolean {
  return reports.length > 0 && reports.every((r) => r.zones.some((z) => z.serial !== null));
}

/** The daemon to steer, or null when announcing is off (BIRD without --bird-include, or no --anycast). */
function routingController(config: ControlConfig, log: Logger): RoutingController | null {
  if (config.router === 'frr') return config.anycast.length ? new FrrController({ vtysh: config.frrVtysh, logger: log }) : null;
  return config.birdInclude ? new BirdRouting({ includePath: config.birdInclude, socketPath: config.birdSocket, logger: log }) : null;
}
