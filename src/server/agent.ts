// The data path's side of the control interface: answers the primary's requests with counters, load and zone status.

import type { DnsServer } from './server.js';
import { LagMonitor } from '../health/lag-monitor.js';
import { OUTCOME_NAMES } from '../query/outcome.js';
import type { AbuseReport, FromWorker, ToWorker, WorkerReport } from '../control/ipc.js';
import { batchSizes } from '../transport/udp-native.js';

export class ControlAgent {
  private readonly lag = new LagMonitor();
  private loadTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly server: DnsServer,
    private readonly send: (msg: FromWorker) => void,
    private readonly debug: boolean,
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
      case 'stop':
        this.stop();
        void this.server.stop().then(this.exit);
        return;
      case 'debug-block':
        if (this.debug) busyWait(msg.ms);
        return;
      case 'debug-load':
        if (!this.debug) return;
        if (this.loadTimer) clearInterval(this.loadTimer);
        this.loadTimer = null;
        if (msg.busyMs > 0) this.loadTimer = setInterval(() => busyWait(msg.busyMs), msg.periodMs);
        return;
    }
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
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      zones: this.server.zoneStatus(),
      zoneLoadErrors: this.server.zones.loadErrors + (this.server.xfrZones?.loadErrors ?? 0),
      notifyRefused: this.server.handler.notify.refusedCount,
      abuse: this.abuse(),
      udpIo: this.server.udpIo ?? undefined,
      ...(this.server.udpIo === 'native' ? { udpBatchSizes: Array.from(batchSizes) } : {}),
    };
  }

  private abuse(): AbuseReport {
    const rrl = this.server.rrl;
    const cookies = this.server.cookieSettings;
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
