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
import { ResponseRateLimiter, type SharedRrlTable } from '../abuse/rrl.js';
import { type SecondaryFreshness, freshnessMarks, notifyPolicy } from './secondary-serving.js';

export interface DataThreadData {
  id: number;
  server: ServerConfig;
  /** The listen addresses with any port 0 already replaced by the port the first thread got. */
  listen: ListenAddress[];
  /** The process's RRL table (shared memory), or null when --rrl-rate is 0. */
  rrlTable: SharedRrlTable | null;
  debug: boolean;
  logLevel: string | undefined;
  logFormat: LogFormat;
}

/** Host -> thread: the zones (SharedArrayBuffer-backed, shared not copied) and their status, or a control message. */
export type ToDataThread = { kind: 'zones' } & ZonesUpdate | ToWorker;

export interface ZonesUpdate {
  zones: CompiledZone[];
  status: ZoneFileStatus[];
  loadErrors: number;
  /** Secondary zones: which expired and when each expires, catalog members; null without them. */
  freshness: SecondaryFreshness | null;
  /** IXFR diffs the data process patched in, and refused (reported by thread 0 only, so the sum stays right). */
  diffs: { applied: number; refused: number } | null;
}

/** Thread -> host: the bound UDP ports (first thread, for port 0), or a message for the control plane. */
export type FromDataThread = { kind: 'bound'; ports: number[] } | FromWorker;

class DataThread implements AgentTarget {
  readonly handler: QueryHandler;
  readonly rrl: ResponseRateLimiter | null;
  private status: ZoneFileStatus[] = [];
  private loadErrors = 0;
  private diffs: { applied: number; refused: number } | null = null;
  private readonly listeners = new Listeners();

  constructor(private readonly data: DataThreadData, private readonly log: ReturnType<typeof createLogger>, notify: (origin: string, from: string) => void) {
    this.handler = new QueryHandler(data.server);
    this.rrl = data.rrlTable ? new ResponseRateLimiter(data.server.rrl, undefined, data.rrlTable) : null;
    // NOTIFY is checked where it arrives (source address, TSIG), then goes to the control plane.
    if (data.server.secondary) this.handler.notify.policy = notifyPolicy(data.server.secondary, notify, this.handler, log);
  }

  /**
   * The swap is one assignment between two events of this thread's loop: a response is built from
   * one version. Each thread swaps at its next turn; the control plane's probes accept newer serials.
   */
  setZones(update: ZonesUpdate): void {
    const marks = update.freshness ? freshnessMarks(update.zones, update.freshness) : null;
    this.handler.zones = new ZoneSet(update.zones, marks?.expired ?? null, marks?.expiry ?? null);
    if (this.handler.notify.policy && update.freshness) this.handler.notify.policy.members = update.freshness.members;
    this.status = update.status;
    this.loadErrors = update.loadErrors;
    this.diffs = this.data.id === 0 ? update.diffs : null;
    collectGarbageSoon(); // lets the replaced zones' shared memory go (zone/gc.ts)
  }

  /** Both UDP paths bind one reusePort socket per thread. */
  listen(): Promise<void> {
    return this.listeners.open(this.data.listen, this.handler, { udpIo: this.data.server.udpIo ?? 'auto', tcp: this.data.server.tcp, rrl: this.rrl, reusePort: true }, this.log);
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

  zoneDiffs(): { applied: number; refused: number } {
    return this.diffs ?? { applied: 0, refused: 0 };
  }

  /** Secondary zones are the data process's (thread-host.ts): these messages go there, not to a thread. */
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
  const send = (msg: FromDataThread) => port.postMessage(msg);
  const thread = new DataThread(data, log, (origin, from) => send({ kind: 'notify', origin, from }));
  const agent = new ControlAgent(thread, send, { workerId: data.id, debug: data.debug, reportRss: data.id === 0 }, () => process.exit(0));
  let listening = false;
  port.on('message', (msg: ToDataThread) => {
    if (msg.kind !== 'zones') return agent.handle(msg);
    thread.setZones(msg);
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
