// The data-path worker processes: forked with cluster (they share the listening sockets), watched, restarted.

import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { HangWatch } from './hang-watch.js';
import { type FromWorker, type ToWorker, type WorkerReport, isFromWorker } from '../contract/ipc.js';
import type { DataPath } from './data-path.js';
import { dataWorkerEnv } from './worker-env.js';

export interface WorkerReply {
  id: number;
  pid: number | undefined;
  report: WorkerReport | null;
  /** Why there is no report: the worker is starting, dead, or did not answer in time (a blocked event loop). */
  error?: string;
}

interface Slot {
  id: number;
  worker: Worker | null;
  ready: boolean;
  restarts: number;
  waiting: Map<number, (msg: FromWorker) => void>;
}

export const RESTART_BACKOFF_MS = [500, 1000, 2000, 5000, 10_000, 30_000];

/** Cluster mode (the Node 20 fallback): one process per worker, each with its own copy of every zone. */
export class DataWorkers implements DataPath {
  readonly mode = 'processes';
  private readonly slots: Slot[] = [];
  private seq = 0;
  private stopping = false;
  restartsTotal = 0;
  /** A worker accepted a NOTIFY (secondary zones). */
  onNotify: ((origin: string, from: string) => void) | null = null;
  /** A worker (re)started: it needs what the control plane knows (expired secondary zones). */
  onReady: ((send: (msg: ToWorker) => void) => void) | null = null;

  private readonly hangs: HangWatch;

  /** hungRestartMs: a worker that answers no report for this long is killed and restarted (0: never). */
  constructor(private readonly count: number, private readonly log: Logger, hungRestartMs = 0) {
    this.hangs = new HangWatch(hungRestartMs);
    // Each worker accepts on the shared socket itself, so TCP never waits on the control plane's event loop.
    cluster.schedulingPolicy = cluster.SCHED_NONE;
  }

  /** Forks the workers and resolves once each has loaded its zones and is listening. */
  start(): Promise<void> {
    const ready: Promise<void>[] = [];
    for (let id = 0; id < this.count; id++) {
      const slot: Slot = { id, worker: null, ready: false, restarts: 0, waiting: new Map() };
      this.slots.push(slot);
      ready.push(this.fork(slot));
    }
    return Promise.all(ready).then(() => undefined);
  }

  private fork(slot: Slot): Promise<void> {
    const worker = cluster.fork({ ...dataWorkerEnv(process.env), ANYCASTD_WORKER_ID: String(slot.id) });
    slot.worker = worker;
    slot.ready = false;
    return new Promise((resolve) => {
      worker.on('message', (msg: unknown) => {
        if (!isFromWorker(msg)) return;
        if (msg.kind === 'ready') {
          slot.ready = true;
          this.log.info({ worker: slot.id, pid: worker.process.pid, listening: msg.listening }, 'data worker ready');
          this.onReady?.((m) => this.send(worker, m));
          resolve();
          return;
        }
        if (msg.kind === 'notify') {
          this.onNotify?.(msg.origin, msg.from);
          return;
        }
        const waiter = slot.waiting.get(msg.seq);
        slot.waiting.delete(msg.seq);
        waiter?.(msg);
      });
      worker.on('exit', (code, signal) => {
        slot.ready = false;
        slot.waiting.clear();
        if (slot.worker === worker) slot.worker = null;
        resolve(); // start() settles for a worker that died or was stopped while starting, too
        if (this.stopping) return;
        const delay = RESTART_BACKOFF_MS[Math.min(slot.restarts, RESTART_BACKOFF_MS.length - 1)];
        this.log.error({ worker: slot.id, pid: worker.process.pid, code, signal, restartInMs: delay }, 'data worker exited; restarting');
        slot.restarts++;
        this.restartsTotal++;
        setTimeout(() => {
          if (!this.stopping) void this.fork(slot);
        }, delay).unref();
      });
    });
  }

  /** Asks every worker for its report; a worker that does not answer within timeoutMs is reported as such. */
  async reports(timeoutMs: number): Promise<WorkerReply[]> {
    const replies = await Promise.all(this.slots.map((slot) => this.ask(slot, timeoutMs)));
    for (const r of this.hangs.hung(replies)) {
      this.log.error({ worker: r.id, pid: r.pid, silentForMs: this.hangs.limitMs }, 'data worker hung (no report); killing it, it restarts');
      this.slots[r.id]?.worker?.process.kill('SIGKILL');
    }
    return replies;
  }

  private ask(slot: Slot, timeoutMs: number): Promise<WorkerReply> {
    const worker = slot.worker;
    const base = { id: slot.id, pid: worker?.process.pid };
    if (!worker || !slot.ready) return Promise.resolve({ ...base, report: null, error: worker ? 'starting' : 'not running' });
    const seq = ++this.seq;
    return askForReport(slot.waiting, seq, timeoutMs, base, () => this.send(worker, { kind: 'report', seq }));
  }

  /** Recompiles every zone in every worker (SIGHUP, `anycastd reload`); resolves when all are done or gone. */
  reload(): Promise<void> {
    return Promise.all(
      this.slots.map((slot) => {
        const worker = slot.worker;
        if (!worker || !slot.ready) return undefined;
        const seq = ++this.seq;
        return new Promise<void>((resolve) => {
          slot.waiting.set(seq, () => resolve());
          worker.once('exit', () => resolve());
          this.send(worker, { kind: 'reload', seq });
        });
      }),
    ).then(() => undefined);
  }

  broadcast(msg: ToWorker): void {
    for (const slot of this.slots) if (slot.worker && slot.ready) this.send(slot.worker, msg);
  }

  private send(worker: Worker, msg: ToWorker): void {
    try {
      worker.send(msg);
    } catch (err) {
      this.log.warn({ err, pid: worker.process.pid }, 'cannot reach data worker');
    }
  }

  get running(): number {
    return this.slots.filter((s) => s.worker !== null && s.ready).length;
  }

  /** Stops every worker: asked over IPC, then SIGKILL after graceMs. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.slots.map((slot) => {
        const worker = slot.worker;
        if (!worker) return undefined;
        return new Promise<void>((resolve) => {
          const kill = setTimeout(() => worker.process.kill('SIGKILL'), graceMs);
          worker.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          this.send(worker, { kind: 'stop' });
        });
      }),
    );
  }
}

/** Sends one report request and waits for the answer; a worker silent for timeoutMs has a blocked event loop. */
export function askForReport(
  waiting: Map<number, (msg: FromWorker) => void>, seq: number, timeoutMs: number,
  base: { id: number; pid: number | undefined }, send: () => void,
): Promise<WorkerReply> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(seq);
      resolve({ ...base, report: null, error: `did not answer within ${timeoutMs} ms (event loop blocked?)` });
    }, timeoutMs);
    waiting.set(seq, (msg) => {
      clearTimeout(timer);
      resolve({ ...base, report: msg.kind === 'report' ? msg.report : null });
    });
    send();
  });
}
