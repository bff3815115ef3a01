// `anycastd serve`: the primary runs the control plane and forks the data-path workers, which serve DNS.

import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { createLogger } from '../log.js';
import { DnsServer } from '../server/server.js';
import { ControlAgent } from '../server/agent.js';
import { ControlPlane } from '../control/control-plane.js';
import { DataWorkers } from '../control/workers.js';
import { ThreadWorkers } from '../control/thread-workers.js';
import { type DataPath, pickDataPathMode } from '../control/data-path.js';
import { DATA_PROCESS_ENV, type ToDataProcess } from '../control/thread-ipc.js';
import { ThreadHost } from '../server/thread-host.js';
import { startHttp } from '../control/http.js';
import { startServiceNotifier } from '../control/sd-notify.js';
import type { ToWorker } from '../control/ipc.js';
import { formatListen } from '../transport/address.js';
import { type ServeConfig, type ServeFlags, serveConfig } from './serve-config.js';

export async function runServe(flags: ServeFlags): Promise<void> {
  const config = serveConfig(flags);
  const log = createLogger(flags.logLevel);
  if (process.env[DATA_PROCESS_ENV] === 'threads') return runThreadHost(config, flags.logLevel, log.child({ data: 'threads' }));
  if (cluster.isWorker) return runDataWorker(config, log.child({ worker: process.env.ANYCASTD_WORKER_ID }));
  return runPrimary(config, log);
}

async function runPrimary(config: ServeConfig, log: Logger): Promise<void> {
  // systemd: WATCHDOG=1 from this event loop from now on; all no-ops without NOTIFY_SOCKET.
  const sd = startServiceNotifier(log);
  const mode = pickDataPathMode(config.workerMode);
  const workers: DataPath = mode === 'threads' ? new ThreadWorkers(config.workers, log) : new DataWorkers(config.workers, log);
  log.info({ mode, workers: config.workers }, mode === 'threads' ? 'data path: threads in one process, zones shared' : 'data path: cluster processes, a zone copy each');
  const control = new ControlPlane(config.control, workers, log);
  // The include file is written (withdrawn) before anything else, so BIRD always finds it.
  control.start();
  await workers.start();
  const http = config.http ? await startHttp({ listen: config.http, debugEndpoints: config.debugEndpoints, version: config.version }, control, workers, () => workers.reload(), log) : null;
  if (http) log.info({ http: formatListen(config.http!) }, 'status and metrics over HTTP');
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
    const drainMs = config.control.birdInclude ? config.drainMs : 0;
    log.info({ signal, drainMs }, config.control.birdInclude ? 'stopping: withdrawing the route, answering during the drain window' : 'stopping');
    await control.shutdown();
    await new Promise((r) => setTimeout(r, drainMs));
    http?.close();
    await workers.stop(2000);
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

async function runDataWorker(config: ServeConfig, log: Logger): Promise<void> {
  const server = new DnsServer(config.server, log);
  await server.start();
  const send = (msg: object) => {
    if (process.connected) process.send!(msg);
  };
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
async function runThreadHost(config: ServeConfig, logLevel: string | undefined, log: Logger): Promise<void> {
  const send = (msg: object) => {
    if (process.connected) process.send!(msg);
  };
  const host = new ThreadHost({ server: config.server, workers: config.workers, debug: config.debugEndpoints, logLevel }, send, log);
  process.on('message', (msg: ToDataProcess) => host.handle(msg));
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  process.on('disconnect', () => {
    log.error('control plane gone; stopping');
    process.exit(1);
  });
  await host.start();
}
