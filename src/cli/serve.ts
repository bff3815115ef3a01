// `anycastd serve`: the primary runs the control plane and forks the data-path workers, which serve DNS.

import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { createLogger } from '../lib/log.js';
import { DnsServer } from '../server/server.js';
import { ControlAgent } from '../server/agent.js';
import { ControlPlane } from '../control/control-plane.js';
import { DataWorkers } from '../control/workers.js';
import { ThreadWorkers } from '../control/thread-workers.js';
import { type DataPath, pickDataPathMode } from '../control/data-path.js';
import { DATA_PROCESS_ENV, type ToDataProcess } from '../control/thread-ipc.js';
import { ThreadHost } from '../server/thread-host.js';
import { type HttpService, isHealthy, startHttp, statusDocument } from '../control/http.js';
import { renderMetrics } from '../control/metrics.js';
import { LoopLag } from '../control/loop-lag.js';
import { type ControlSocket, ControlSocketError, startControlSocket } from '../control/control-socket.js';
import { controlHandler } from '../control/control-commands.js';
import { startServiceNotifier } from '../control/sd-notify.js';
import type { ToWorker } from '../contract/ipc.js';
import { formatListen } from '../transport/address.js';
import { Secondaries } from '../xfr/secondaries.js';
import { zoneDiffMessage } from '../contract/zone-diff.js';
import { type ServeConfig, serveConfig } from './serve-config.js';
import type { ServeOptions } from './serve-options.js';

export async function runServe(options: ServeOptions): Promise<void> {
  const config = serveConfig(options);
  const log = createLogger(options.logLevel, options.logFormat);
  if (process.env[DATA_PROCESS_ENV] === 'threads') return runThreadHost(config, options, log.child({ data: 'threads' }));
  if (cluster.isWorker) return runDataWorker(config, log.child({ worker: process.env.ANYCASTD_WORKER_ID }));
  return runPrimary(config, log);
}

async function runPrimary(config: ServeConfig, log: Logger): Promise<void> {
  // systemd: WATCHDOG=1 from this event loop from now on; all no-ops without NOTIFY_SOCKET.
  const sd = startServiceNotifier(log);
  const mode = pickDataPathMode(config.workerMode);
  const workers: DataPath = mode === 'threads' ? new ThreadWorkers(config.workers, log, config.hungRestartMs) : new DataWorkers(config.workers, log, config.hungRestartMs);
  log.info({ mode, workers: config.workers }, mode === 'threads' ? 'data path: threads in one process, zones shared' : 'data path: cluster processes, a zone copy each');
  const control = new ControlPlane(config.control, workers, log);
  const lag = new LoopLag();
  let controlSocket: ControlSocket | null = null;
  let http: HttpService | null = null;
  const status = () => statusDocument(control, config.version, { controlLoop: lag.latest, controlSocket: controlSocket?.path ?? null });
  controlSocket = await openControlSocket(config, log, controlHandler({
    status,
    setDrain: (on) => control.setDrain(on),
    reload: () => workers.reload(),
    broadcast: (msg) => workers.broadcast(msg),
    debugCommands: config.debugEndpoints,
  }, log));
  // Each round closes a lag window and refreshes what HTTP serves; the timer covers a round stuck on a hung worker.
  control.onRound = () => {
    lag.take();
    void http?.publish();
  };
  const secondaries = config.server.secondary ? new Secondaries(config.server.secondary, (u) => workers.broadcast({ kind: 'secondary', ...u }), log) : null;
  if (secondaries) {
    control.secondary = secondaries;
    secondaries.servedFromFile = (origin) => control.servedFromFiles(origin);
    workers.onNotify = (origin, from) => {
      log.info({ zone: origin, from }, 'NOTIFY accepted; refreshing');
      secondaries.notify(origin);
    };
    workers.onReady = (send) => send({ kind: 'secondary', ...secondaries.update() });
    secondaries.onDiff = (origin, diffs) => workers.broadcast(zoneDiffMessage(origin, diffs));
    secondaries.start();
  }
  // Only now, with the socket ours (a second instance stops above): the include file is written
  // (withdrawn) before anything else, so BIRD always finds it.
  control.start();
  // HTTP before the workers: /status answers ("starting") as soon as DNS might, never after it.
  if (config.http) {
    http = await startHttp({ listen: config.http, allow: config.httpAllow }, () => {
      const state = control.snapshot().state;
      return {
        status: `${JSON.stringify(status(), null, 2)}\n`,
        metrics: renderMetrics(control, workers.running, workers.restartsTotal, { http: http?.counters ?? null, control: controlSocket?.counters ?? null, loop: lag.latest }),
        state,
        healthy: isHealthy(state),
      };
    }, log);
    log.info({ http: formatListen(config.http), allow: config.httpAllow.length ? config.httpAllow.map((p) => `${p.address}/${p.length}`) : 'any' }, 'read-only status and metrics over HTTP');
    setInterval(() => void http?.publish(), 1000).unref();
  }
  await workers.start();
  sd.ready(control);

  process.on('SIGHUP', () => {
    log.info('SIGHUP: reloading zones');
    void workers.reload();
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    sd.stopping(signal);
    // Withdraw first, keep answering while routers move traffic away, then stop (lame duck).
    const drainMs = control.routing ? config.drainMs : 0;
    log.info({ signal, drainMs }, control.routing ? 'stopping: withdrawing the route, answering during the drain window' : 'stopping');
    await control.shutdown();
    secondaries?.stop();
    await new Promise((r) => setTimeout(r, drainMs));
    await http?.close();
    await controlSocket?.close();
    await workers.stop(2000);
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** The operator's door. A default path we may not create (a non-root `npm start`) costs the door, not the service. */
async function openControlSocket(config: ServeConfig, log: Logger, handler: Parameters<typeof startControlSocket>[1]): Promise<ControlSocket | null> {
  const { path, explicit } = config.controlSocket;
  try {
    const socket = await startControlSocket(path, handler, log);
    log.info({ controlSocket: path }, 'control socket: drain, undrain, reload through here (mode 0660)');
    return socket;
  } catch (err) {
    if (err instanceof ControlSocketError && err.kind === 'no-access' && !explicit) {
      log.warn({ controlSocket: path, err: err.message },
        `no control socket: ${err.message}; drain/undrain/reload are unavailable (use --control-socket PATH somewhere writable, or run under systemd with RuntimeDirectory=anycastd)`);
      return null;
    }
    throw err;
  }
}

async function runDataWorker(config: ServeConfig, log: Logger): Promise<void> {
  const server = new DnsServer(config.server, log);
  const send = (msg: object) => {
    if (process.connected) process.send!(msg);
  };
  server.onNotify = (origin, from) => send({ kind: 'notify', origin, from });
  await server.start();
  const workerId = Number(process.env.ANYCASTD_WORKER_ID ?? 0);
  const agent = new ControlAgent(server, send, { workerId, debug: config.debugEndpoints, reportRss: true }, () => process.exit(0));
  agent.start();
  process.on('message', (msg: ToWorker) => agent.handle(msg));
  // The primary decides when to stop, after the drain window: signals sent to the whole group
  // (a terminal's Ctrl-C, systemd's control-group kill) must not cut the lame-duck period short.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  // Without the primary nobody withdraws or restarts us: stop rather than serve unsupervised.
  process.on('disconnect', () => {
    log.error('control plane gone; stopping');
    process.exit(1);
  });
  send({ kind: 'ready', listening: config.server.listen.map(formatListen) });
}

/** Thread mode's data process: shared zones, N data threads, relaying the control plane's messages. */
async function runThreadHost(config: ServeConfig, options: ServeOptions, log: Logger): Promise<void> {
  const send = (msg: object) => {
    if (process.connected) process.send!(msg);
  };
  const host = new ThreadHost({ server: config.server, workers: config.workers, debug: config.debugEndpoints, logLevel: options.logLevel, logFormat: options.logFormat }, send, log);
  process.on('message', (msg: ToDataProcess) => host.handle(msg));
  // As a cluster worker: the control plane decides when to stop (after the drain window).
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  process.on('disconnect', () => {
    log.error('control plane gone; stopping');
    process.exit(1);
  });
  await host.start();
}
