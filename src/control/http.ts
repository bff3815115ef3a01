// HTTP on --http, read-only: /metrics, /status, /healthz, served by a thread from snapshots the primary publishes.

import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { ListenAddress } from '../transport/address.js';
import type { ControlPlane } from './control-plane.js';
import type { AllowPrefix } from './http-allow.js';
import type { FromHttpThread, HttpCounters, HttpSnapshot, HttpThreadConfig, ToHttpThread } from './http-thread.js';
import type { LoopLagWindow } from './loop-lag.js';
import type { ZoneFileStatus } from '../contract/zone-status.js';
import { startThread } from '../lib/worker-thread.js';

export interface HttpOptions {
  listen: ListenAddress;
  allow: AllowPrefix[];
}

/** What only the primary knows besides the control plane: its own loop lag and its control socket. */
export interface StatusExtras {
  controlLoop?: LoopLagWindow;
  controlSocket?: string | null;
}

export function statusDocument(control: ControlPlane, version: string, extras: StatusExtras = {}): object {
  const snap = control.snapshot();
  const round = control.lastRound;
  const reports = (round?.workers ?? []).map((w) => ({
    id: w.id,
    pid: w.pid,
    ok: w.report !== null,
    error: w.error,
    lagP99Ms: w.report?.lag.lagP99Ms,
    elu: w.report?.lag.elu,
    rssBytes: w.report?.rssBytes,
    queries: w.report ? w.report.queriesUdp + w.report.queriesTcp : undefined,
    udpIo: w.report?.udpIo,
    ...(w.report?.udpBatchSizes ? { udpBatchSizes: w.report.udpBatchSizes } : {}),
  }));
  const first = round?.workers.find((w) => w.report)?.report;
  return {
    version,
    state: snap.state,
    routing: snap.routing,
    reason: snap.reason,
    since: control.wallTime(snap.since),
    waitingFor: snap.waitingFor,
    holdDownMs: snap.holdDownMs,
    flapScore: snap.flapScore,
    draining: control.draining,
    qps: round?.qps ?? 0,
    lastCheck: round && {
      at: round.at,
      durationMs: Math.round(round.durationMs),
      selfCheck: { ok: round.selfCheck.ok, detail: round.selfCheck.detail, probes: round.selfCheck.probes },
      overload: round.overload,
    },
    zones: zonesWithSecondaries(first?.zones ?? [], control),
    abuse: first?.abuse?.settings ?? null,
    udpIo: first?.udpIo ?? null,
    ...(control.secondary && control.secondary.catalogs.size ? { catalogs: control.secondary.catalogStatus() } : {}),
    workers: reports,
    router: control.routing?.router ?? null,
    bird: control.birdStatus(),
    frr: control.frrStatus(),
    transitions: control.transitions.slice(-10),
    ...extras,
  };
}

/** Zones as the workers serve them; secondary zones carry their transfer state (and appear before they first load). */
function zonesWithSecondaries(zones: ZoneFileStatus[], control: ControlPlane): object[] {
  const secondary = control.secondary?.status() ?? [];
  const served = zones.map((z) => {
    const s = z.source === 'secondary' ? secondary.find((x) => x.origin === z.origin) : undefined;
    return s ? { ...z, ...s, lastError: s.lastError ?? z.lastError } : z;
  });
  const missing = secondary.filter((s) => !zones.some((z) => z.source === 'secondary' && z.origin === s.origin));
  return [...served, ...missing];
}

/** 200 from /healthz only while announced and healthy (up, or up but de-preferred for load). */
export function isHealthy(state: string): boolean {
  return state === 'up' || state === 'overloaded';
}

export interface HttpService {
  port: number;
  /** As of the last publish; for /metrics. */
  counters: HttpCounters;
  /** Hands the thread a fresh snapshot; resolves once it serves it. */
  publish(): Promise<void>;
  close(): Promise<void>;
}

const RESTART_DELAY_MS = 1000;

/** Starts the HTTP thread; rejects when it cannot listen (address in use), restarts it if it dies later. */
export function startHttp(opts: HttpOptions, render: () => HttpSnapshot, log: Logger): Promise<HttpService> {
  let seq = 0;
  let worker: Worker;
  let closing = false;
  const acks = new Map<number, () => void>();
  const service: HttpService = {
    port: opts.listen.port,
    counters: { requests: 0, deniedByAllowList: 0, droppedOverLimit: 0, refusedMethod: 0, refusedBody: 0 },
    publish() {
      const id = ++seq;
      return new Promise<void>((resolve) => {
        acks.set(id, resolve);
        worker.postMessage({ kind: 'snapshot', seq: id, snapshot: render() } satisfies ToHttpThread);
      });
    },
    async close() {
      closing = true;
      worker.postMessage({ kind: 'close' } satisfies ToHttpThread);
      await worker.terminate();
      for (const ack of acks.values()) ack();
    },
  };
  const spawn = (port: number, started: (err: Error | null) => void) => {
    const config: HttpThreadConfig = { host: opts.listen.host, port, allow: opts.allow };
    worker = startThread(new URL('./http-thread.js', import.meta.url), import.meta.url, { workerData: config });
    worker.unref();
    worker.on('message', (msg: FromHttpThread) => {
      if (msg.kind === 'listening') {
        service.port = msg.port;
        if (msg.niceError) log.debug({ err: msg.niceError }, 'HTTP thread keeps the normal priority');
        started(null);
        void service.publish();
      } else if (msg.kind === 'listen-error') {
        started(new Error(`--http ${opts.listen.host}:${port}: ${msg.message}`));
      } else {
        service.counters = msg.counters;
        // Acks arrive in order: this one covers every earlier publish too.
        for (const [id, ack] of acks) if (id <= msg.seq) (acks.delete(id), ack());
      }
    });
    worker.on('error', (err) => log.error({ err }, 'HTTP thread failed'));
    worker.on('exit', (code) => {
      for (const ack of acks.values()) ack();
      acks.clear();
      if (closing) return;
      log.error({ code }, `HTTP thread exited; restarting in ${RESTART_DELAY_MS} ms`);
      setTimeout(() => spawn(service.port, (err) => err && log.error({ err }, 'HTTP thread restart failed')), RESTART_DELAY_MS).unref();
    });
  };
  return new Promise((resolve, reject) => {
    spawn(opts.listen.port, (err) => {
      if (!err) return resolve(service);
      closing = true;
      void worker.terminate();
      reject(err);
    });
  });
}
