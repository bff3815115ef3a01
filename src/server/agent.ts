// The data path's side of the control interface: answers the primary's requests with counters, load and zone status.

import type { DnsServer } from './server.js';
import { LagMonitor } from '../health/lag-monitor.js';
import { OUTCOME_NAMES } from '../query/outcome.js';
import type { AbuseReport, FromWorker, ToWorker, WorkerReport } from '../contract/ipc.js';
import { batchSizes } from '../transport/udp-native.js';

/** What the agent reads and drives: a worker process's DnsServer, or one data-path thread. */
export type AgentTarget = Pick<DnsServer, 'handler' | 'rrl' | 'tcpConnections' | 'zoneStatus' | 'reloadZones' | 'updateSecondary' | 'applyZoneDiff' | 'stop'> & {
  zoneLoadErrors(): number;
  /** IXFR diffs patched into compiled zones, and refused ones (secondary zones; in thread mode thread 0 reports the process's). */
  zoneDiffs?(): { applied: number; refused: number };
  /** The UDP path in use ('native' or 'dgram'), once listening. */
  udpIo?: string | null;
};

export interface AgentOptions {
  /** The worker (process or thread) number, for triggers aimed at one worker. */
  workerId: number;
  debug: boolean;
  /** Threads share one process: only one of them reports its RSS, so the sum stays right. */
  reportRss: boolean;
}

export class ControlAgent {
  private readonly lag = new LagMonitor();
  private loadTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly server: AgentTarget,
    private readonly send: (msg: FromWorker) => void,
    private readonly options: AgentOptions,
    private readonly exit: () => void,
  ) {}

  start(): void {
    this.lag.start();
  }

  stop(): void {
    this.lag.stop();
    if (this.loadTimer) clearInterval(this.loadTimer);
  }

  handle(msg: ToWorker): void {
    switch (msg.kind) {
      case 'report':
        this.send({ kind: 'report', seq: msg.seq, report: this.report() });
        return;
      case 'reload':
        void this.server.reloadZones().then(() => this.send({ kind: 'reloaded', seq: msg.seq }));
        return;
      case 'secondary':
        void this.server.updateSecondary(msg.expired, msg.members, msg.expiresAt);
        return;
      case 'zone-diff':
        void this.server.applyZoneDiff(msg);
        return;
      case 'stop':
        this.stop();
        void this.server.stop().then(this.exit);
        return;
      case 'debug-block':
        if (this.options.debug && this.aimedAtMe(msg.worker)) busyWait(msg.ms);
        return;
      case 'debug-crash':
        // Thrown outside any handler, as a bug would: a thread dies, a process exits.
        if (this.options.debug && this.aimedAtMe(msg.worker)) setImmediate(() => {
          throw new Error('debug crash requested');
        });
        return;
      case 'debug-load':
        if (!this.options.debug) return;
        if (this.loadTimer) clearInterval(this.loadTimer);
        this.loadTimer = null;
        if (msg.busyMs > 0) this.loadTimer = setInterval(() => busyWait(msg.busyMs), msg.periodMs);
        return;
    }
  }

  private aimedAtMe(worker: number | undefined): boolean {
    return worker === undefined || worker === this.options.workerId;
  }

  report(): WorkerReport {
    const stats = this.server.handler.stats;
    const qtypes: Record<number, number> = {};
    stats.qtypes.forEach((n, t) => {
      if (n > 0) qtypes[t] = n;
    });
    const outcomes: Record<string, number> = {};
    stats.outcomes.forEach((n, kind) => {
      outcomes[OUTCOME_NAMES[kind]] = n;
    });
    const mem = process.memoryUsage();
    return {
      pid: process.pid,
      queriesUdp: stats.queries[0],
      queriesTcp: stats.queries[1],
      rcodes: Array.from(stats.rcodes),
      qtypes,
      dropped: stats.dropped,
      truncated: stats.truncated,
      outcomes,
      tcpConnections: this.server.tcpConnections(),
      lag: this.lag.sample(),
      rssBytes: this.options.reportRss ? mem.rss : 0,
      heapUsedBytes: mem.heapUsed,
      zones: this.server.zoneStatus(),
      zoneLoadErrors: this.server.zoneLoadErrors(),
      notifyRefused: this.server.handler.notify.refusedCount,
      zoneDiffs: this.server.zoneDiffs?.(),
      abuse: this.abuse(),
      udpIo: this.server.udpIo ?? undefined,
      ...(this.server.udpIo === 'native' ? { udpBatchSizes: Array.from(batchSizes) } : {}),
    };
  }

  private abuse(): AbuseReport {
    const rrl = this.server.rrl;
    const cookies = this.server.handler.cookieSettings;
    return {
      cookies: Array.from(this.server.handler.cookieCounts),
      rrl: rrl ? Array.from(rrl.counts) : [0, 0, 0],
      // Buckets touched in the last minute: beyond that a bucket has its full credit back and is as good as empty.
      rrlActiveSlots: rrl ? rrl.table.activeSlots(60_000) : 0,
      rrlSlots: rrl ? rrl.table.slots : 0,
      settings: { cookies, rrl: rrl ? rrl.describe() : null },
    };
  }
}

/** Holds the event loop on purpose: the debug triggers that stand in for a hung or overloaded data path. */
function busyWait(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}
