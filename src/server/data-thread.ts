// Thread mode, one data-path thread: its own reusePort UDP and TCP sockets, the process's shared zones, its own agent.

import { parentPort, workerData } from 'node:worker_threads';
import { type LogFormat, createLogger } from '../lib/log.js';
import { QueryHandler } from '../query/handler.js';
import { ZoneSet } from '../query/zoneset.js';
import type { UdpIo } from '../transport/udp-native.js';
import { type ListenAddress, formatListen } from '../transport/address.js';
import type { CompiledZone } from '../zone/compiled/compiled.js';
import { collectGarbageSoon } from '../zone/loading/gc.js';
import type { ZoneFileStatus } from '../contract/zone-status.js';
import type { FromWorker, ToWorker } from '../contract/ipc.js';
import type { ServerConfig } from './server.js';
import { type AgentTarget, ControlAgent } from './agent.js';
import { Listeners } from './listeners.js';

export interface DataThreadData {
  id: number;
  server: ServerConfig;
  /** The listen addresses with any port 0 already replaced by the port the first thread got. */
  listen: ListenAddress[];
  debug: boolean;
  logLevel: string | undefined;
  logFormat: LogFormat;
}

/** Host -> thread: the zones (SharedArrayBuffer-backed, shared not copied) and their status, or a control message. */
export type ToDataThread = { kind: 'zones'; zones: CompiledZone[]; status: ZoneFileStatus[]; loadErrors: number } | ToWorker;

/** Thread -> host: the bound UDP ports (first thread, for port 0), or a message for the control plane. */
export type FromDataThread = { kind: 'bound'; ports: number[] } | FromWorker;

class DataThread implements AgentTarget {
  readonly handler: QueryHandler;
  /** Not in thread mode yet: serve.ts keeps processes when --rrl-rate or secondary zones are set. */
  readonly rrl = null;
  private status: ZoneFileStatus[] = [];
  private loadErrors = 0;
  private readonly listeners = new Listeners();

  constructor(private readonly data: DataThreadData, private readonly log: ReturnType<typeof createLogger>) {
    this.handler = new QueryHandler(data.server);
  }

  /**
   * The swap is one assignment between two events of this thread's loop: a response is built from
   * one version. Each thread swaps at its next turn; the control plane's probes accept newer serials.
   */
  setZones(zones: CompiledZone[], status: ZoneFileStatus[], loadErrors: number): void {
    this.handler.zones = new ZoneSet(zones);
    this.status = status;
    this.loadErrors = loadErrors;
    collectGarbageSoon(); // lets the replaced zones' shared memory go (zone/gc.ts)
  }

  /** Both UDP paths bind one reusePort socket per thread. */
  listen(): Promise<void> {
    return this.listeners.open(this.data.listen, this.handler, { udpIo: this.data.server.udpIo ?? 'auto', tcp: this.data.server.tcp, rrl: null, reusePort: true }, this.log);
  }

  /** The UDP path in use, once listening. */
  get udpIo(): UdpIo | null {
    return this.listeners.io;
  }

  ports(): number[] {
    return this.listeners.udpAddresses().map((a) => a.port);
  }

  tcpConnections(): number {
    return this.listeners.tcpConnections();
  }

  zoneStatus(): ZoneFileStatus[] {
    return this.status;
  }

  zoneLoadErrors(): number {
    return this.loadErrors;
  }

  /** Secondary zones are not served in thread mode yet (serve.ts keeps processes for them). */
  updateSecondary(): Promise<void> {
    return Promise.resolve();
  }

  applyZoneDiff(): Promise<void> {
    return Promise.resolve();
  }

  /** Zones are the data process's business (compiled once for every thread); a thread has nothing to reload. */
  reloadZones(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return this.listeners.close();
  }
}

async function main(): Promise<void> {
  const data = workerData as DataThreadData;
  const port = parentPort!;
  const log = createLogger(data.logLevel, data.logFormat).child({ worker: data.id });
  const thread = new DataThread(data, log);
  const send = (msg: FromDataThread) => port.postMessage(msg);
  const agent = new ControlAgent(thread, send, { workerId: data.id, debug: data.debug, reportRss: data.id === 0 }, () => process.exit(0));
  let listening = false;
  port.on('message', (msg: ToDataThread) => {
    if (msg.kind !== 'zones') return agent.handle(msg);
    thread.setZones(msg.zones, msg.status, msg.loadErrors);
    // The first zones arrive before the sockets open: a thread never answers REFUSED for want of them.
    if (listening) return;
    listening = true;
    void thread.listen().then(
      () => {
        agent.start();
        send({ kind: 'bound', ports: thread.ports() });
        send({ kind: 'ready', listening: data.listen.map(formatListen) });
      },
      (err: Error) => {
        log.error({ err }, 'data thread cannot listen');
        process.exit(1);
      },
    );
  });
}

void main();
