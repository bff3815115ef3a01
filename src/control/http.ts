// HTTP on --http: /metrics, /status, /healthz for monitoring; POST /drain, /undrain, /reload for the CLI.

import http from 'node:http';
import type { Logger } from 'pino';
import type { ListenAddress } from '../transport/address.js';
import type { ControlPlane } from './control-plane.js';
import type { DataPath } from './data-path.js';
import type { ToWorker } from './ipc.js';
import { renderMetrics } from './metrics.js';

export interface HttpOptions {
  listen: ListenAddress;
  /** Exposes /debug/* (block the data path, induce lag) for tests; never on a production node. */
  debugEndpoints: boolean;
  version: string;
}

export function statusDocument(control: ControlPlane, version: string): object {
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
    zones: first?.zones ?? [],
    workers: reports,
    bird: control.birdStatus(),
    transitions: control.transitions.slice(-10),
  };
}

export function startHttp(opts: HttpOptions, control: ControlPlane, workers: DataPath, reload: () => Promise<void>, log: Logger): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const reply = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const json = (code: number, value: object) => reply(code, JSON.stringify(value, null, 2) + '\n', 'application/json');
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /metrics':
        return reply(200, renderMetrics(control, workers.running, workers.restartsTotal), 'text/plain; version=0.0.4; charset=utf-8');
      case 'GET /status':
        return json(200, statusDocument(control, opts.version));
      case 'GET /healthz': {
        // 200 only while announced and healthy (up, or up but de-preferred for load).
        const s = control.snapshot().state;
        return reply(s === 'up' || s === 'overloaded' ? 200 : 503, `${s}\n`);
      }
      case 'POST /drain':
      case 'POST /undrain':
        return void control.setDrain(url.pathname === '/drain').then(() => json(200, statusDocument(control, opts.version)));
      case 'POST /reload':
        return void reload().then(() => json(200, statusDocument(control, opts.version)));
    }
    if (opts.debugEndpoints && req.method === 'POST' && url.pathname.startsWith('/debug/')) {
      const num = (k: string, d: number) => Number(url.searchParams.get(k) ?? d);
      let msg: ToWorker | null = null;
      // ?worker=N aims a trigger at one worker (process or thread); without it, all of them.
      const worker = url.searchParams.has('worker') ? { worker: num('worker', 0) } : {};
      if (url.pathname === '/debug/block') msg = { kind: 'debug-block', ms: Math.min(num('ms', 2000), 60_000), ...worker };
      if (url.pathname === '/debug/crash') msg = { kind: 'debug-crash', ...worker };
      if (url.pathname === '/debug/load') msg = { kind: 'debug-load', busyMs: num('busy', 0), periodMs: Math.max(10, num('period', 100)) };
      if (msg) {
        log.warn({ debug: msg }, 'debug trigger');
        workers.broadcast(msg);
        return json(200, msg);
      }
    }
    reply(404, 'not found\n');
  });
  server.on('error', (err) => log.error({ err }, 'HTTP server error'));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listen.port, opts.listen.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
