// Thread mode, the data process's main thread: compiles zones once into shared memory, runs N data threads, relays control messages.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { LogFormat } from '../lib/log.js';
import { ZoneCompileWorker } from '../zone/loading/compile-pool.js';
import { ZoneManager } from '../zone/loading/zone-manager.js';
import type { CompiledZone } from '../zone/compiled/compiled.js';
import { collectGarbageSoon } from '../zone/loading/gc.js';
import type { ListenAddress } from '../transport/address.js';
import type { FromDataProcess, ToDataProcess } from '../control/thread-ipc.js';
import type { ServerConfig } from './server.js';
import type { DataThreadData, FromDataThread, ToDataThread } from './data-thread.js';
import { SecondaryServing } from './secondary-serving.js';
import { ResponseRateLimiter, type SharedRrlTable } from '../abuse/rrl.js';

export interface ThreadHostConfig {
  server: ServerConfig;
  workers: number;
  debug: boolean;
  logLevel: string | undefined;
  logFormat: LogFormat;
}

/** A restarted thread reuses the shared zones, so it is back in milliseconds; back off only if it keeps dying. */
const THREAD_RESTART_BACKOFF_MS = [100, 500, 1000, 2000, 5000, 10_000];

function threadFile(): URL {
  const beside = new URL('./data-thread.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL('../../dist/server/data-thread.js', import.meta.url);
}

interface ThreadSlot {
  id: number;
  worker: Worker | null;
  restarts: number;
}

export class ThreadHost {
  private readonly compiler = new ZoneCompileWorker(undefined, true);
  private readonly zones: ZoneManager;
  /** Secondary zones, compiled and patched once for every thread; null without --secondary/--catalog. */
  private readonly secondary: SecondaryServing | null = null;
  /** One RRL table for every thread (Atomics), so a bucket's rate holds node-wide; null when --rrl-rate is 0. */
  private readonly rrlTable: SharedRrlTable | null;
  private current: CompiledZone[] = [];
  private readonly slots: ThreadSlot[] = [];
  private listen: ListenAddress[];
  private stopping = false;

  constructor(private readonly config: ThreadHostConfig, private readonly send: (msg: FromDataProcess) => void, private readonly log: Logger) {
    this.listen = config.server.listen;
    const swap = () => {
      this.current = [...this.zones.zones(), ...(this.secondary?.zones.zones() ?? [])];
      this.postZones();
      collectGarbageSoon();
    };
    this.zones = new ZoneManager(config.server.zones, this.compiler, swap, log);
    this.rrlTable = config.server.rrl.rate > 0 ? new ResponseRateLimiter(config.server.rrl).share() : null;
    if (config.server.secondary) this.secondary = new SecondaryServing(config.server.secondary, this.zones, config.server.zones.rescanMs, swap, log);
  }

  private postZones(): void {
    for (const slot of this.slots) slot.worker?.postMessage(this.zonesMessage());
  }

  private zonesMessage(): ToDataThread {
    const s = this.secondary;
    return {
      kind: 'zones', zones: this.current, status: [...this.zones.status(), ...(s?.status() ?? [])],
      loadErrors: this.zones.loadErrors + (s?.zones.loadErrors ?? 0), freshness: s?.freshness ?? null, diffs: s?.diffs() ?? null,
    };
  }

  /** Loads the zones, then starts the first thread alone: with port 0 it picks the port the others then share. */
  async start(): Promise<void> {
    await this.zones.start();
    await this.secondary?.start();
    if (this.current.length === 0) this.log.warn({ dir: this.config.server.zones.dir }, 'no zone loaded; answering REFUSED until one loads');
    for (let id = 0; id < this.config.workers; id++) this.slots.push({ id, worker: null, restarts: 0 });
    const ports = await this.startThread(this.slots[0]);
    this.listen = this.listen.map((a, i) => (a.port === 0 ? { ...a, port: ports[i] } : a));
    await Promise.all(this.slots.slice(1).map((s) => this.startThread(s)));
  }

  /** Resolves with the thread's bound UDP ports once it listens (or with [] if it died first). */
  private startThread(slot: ThreadSlot): Promise<number[]> {
    const data: DataThreadData = {
      id: slot.id, server: this.config.server, listen: this.listen, rrlTable: this.rrlTable, debug: this.config.debug, logLevel: this.config.logLevel, logFormat: this.config.logFormat,
    };
    const worker = new Worker(threadFile(), { workerData: data, name: `dns-${slot.id}` });
    slot.worker = worker;
    worker.postMessage(this.zonesMessage());
    return new Promise((resolve) => {
      worker.on('message', (msg: FromDataThread) => {
        if (msg.kind === 'bound') return resolve(msg.ports);
        if (msg.kind === 'ready') slot.restarts = 0;
        this.send({ kind: 'from-thread', thread: slot.id, msg });
      });
      worker.on('error', (err) => this.log.error({ err, worker: slot.id }, 'data thread failed'));
      worker.on('exit', (code) => {
        resolve([]);
        if (slot.worker === worker) slot.worker = null;
        if (this.stopping) return;
        const delay = THREAD_RESTART_BACKOFF_MS[Math.min(slot.restarts, THREAD_RESTART_BACKOFF_MS.length - 1)];
        slot.restarts++;
        this.send({ kind: 'thread-exited', thread: slot.id, code, restartInMs: delay });
        setTimeout(() => {
          if (!this.stopping) void this.startThread(slot);
        }, delay);
      });
    });
  }

  handle(msg: ToDataProcess): void {
    switch (msg.kind) {
      case 'to-thread':
        this.slots[msg.thread]?.worker?.postMessage(msg.msg);
        return;
      case 'reload':
        // One compile for every thread; the new zones are posted to each thread before `reloaded` leaves, and it swaps at its next turn.
        void this.zones.reload().then(() => this.secondary?.zones.reload()).then(() => this.send({ kind: 'reloaded', seq: msg.seq }));
        return;
      case 'restart-thread':
        // terminate() stops a thread even inside a busy loop; the exit handler starts it again.
        void this.slots[msg.thread]?.worker?.terminate();
        return;
      case 'to-host':
        if (!this.secondary) return;
        if (msg.msg.kind === 'zone-diff') {
          void this.secondary.applyZoneDiff(msg.msg).then(() => this.postZones());
          return;
        }
        // Freshness reaches the threads at once; new files in --xfr-dir follow when compiled.
        void this.secondary.update({ expired: msg.msg.expired, members: msg.msg.members, expiresAt: msg.msg.expiresAt });
        this.postZones();
        return;
      case 'stop':
        void this.stop().then(() => process.exit(0));
        return;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.zones.stop();
    await Promise.all(
      this.slots.map((slot) => {
        const worker = slot.worker;
        if (!worker) return undefined;
        return new Promise<void>((resolve) => {
          const kill = setTimeout(() => void worker.terminate(), 1500);
          worker.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          worker.postMessage({ kind: 'stop' } satisfies ToDataThread);
        });
      }),
    );
    await this.compiler.close();
    await this.secondary?.stop();
  }
}
