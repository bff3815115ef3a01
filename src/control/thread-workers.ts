// Thread mode, control-plane side: one data process holding N data-path threads, watched and restarted from here.

import { fork, type ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import { HangWatch } from './hang-watch.js';
import type { FromWorker, ToWorker } from '../contract/ipc.js';
import type { DataPath } from './data-path.js';
import { dataWorkerEnv } from './worker-env.js';
import { RESTART_BACKOFF_MS, askForReport, type WorkerReply } from './workers.js';
import { DATA_PROCESS_ENV, type FromDataProcess, type ToDataProcess, isFromDataProcess, isHostMessage } from './thread-ipc.js';

interface ThreadSlot {
  id: number;
  ready: boolean;
  waiting: Map<number, (msg: FromWorker) => void>;
}

/**
 * The control plane stays in its own process: a data process that hangs (one of its threads in a
 * tight loop holding a lock, the main thread blocked) cannot freeze the health rounds, the BIRD
 * updates or the systemd watchdog ping. Each thread answers reports itself, so one blocked thread
 * is seen as silent on its own.
 */
export class ThreadWorkers implements DataPath {
  readonly mode = 'threads';
  private readonly slots: ThreadSlot[] = [];
  private child: ChildProcess | null = null;
  private seq = 0;
  private stopping = false;
  private processRestarts = 0;
  private readonly reloads = new Map<number, () => void>();
  restartsTotal = 0;
  onNotify: ((origin: string, from: string) => void) | null = null;
  onReady: ((send: (msg: ToWorker) => void) => void) | null = null;

  private readonly hangs: HangWatch;
  /** Threads asked to restart for hanging; one silent again after that means the data process itself is stuck. */
  private readonly restartAsked = new Set<number>();

  /** hungRestartMs: a thread that answers no report for this long is replaced (0: never). */
  constructor(count: number, private readonly log: Logger, hungRestartMs = 0) {
    this.hangs = new HangWatch(hungRestartMs);
    for (let id = 0; id < count; id++) this.slots.push({ id, ready: false, waiting: new Map() });
  }

  start(): Promise<void> {
    return this.spawn();
  }

  /** Forks `anycastd serve` again with the same arguments, as the data process; resolves when every thread is ready. */
  private spawn(): Promise<void> {
    const child = fork(process.argv[1], process.argv.slice(2), { env: { ...process.env, ...dataWorkerEnv(process.env), [DATA_PROCESS_ENV]: 'threads' } });
    this.child = child;
    return new Promise((resolve) => {
      const settle = () => {
        if (this.slots.every((s) => s.ready)) resolve();
      };
      child.on('message', (msg: unknown) => {
        if (!isFromDataProcess(msg)) return;
        this.receive(msg);
        if (msg.kind === 'from-thread' && msg.msg.kind === 'ready') settle();
      });
      child.on('exit', (code, signal) => {
        for (const s of this.slots) {
          s.ready = false;
          s.waiting.clear();
        }
        for (const done of this.reloads.values()) done();
        this.reloads.clear();
        if (this.child === child) this.child = null;
        resolve();
        if (this.stopping) return;
        const delay = RESTART_BACKOFF_MS[Math.min(this.processRestarts, RESTART_BACKOFF_MS.length - 1)];
        this.log.error({ pid: child.pid, code, signal, restartInMs: delay }, 'data process exited; restarting');
        this.processRestarts++;
        this.restartsTotal++;
        setTimeout(() => {
          if (!this.stopping) void this.spawn();
        }, delay).unref();
      });
    });
  }

  private receive(msg: FromDataProcess): void {
    switch (msg.kind) {
      case 'from-thread': {
        const slot = this.slots[msg.thread];
        if (!slot) return;
        if (msg.msg.kind === 'ready') {
          slot.ready = true;
          this.log.info({ worker: slot.id, pid: this.child?.pid, listening: msg.msg.listening }, 'data thread ready');
          this.onReady?.((m) => this.route(slot.id, m));
          return;
        }
        if (msg.msg.kind === 'notify') {
          this.onNotify?.(msg.msg.origin, msg.msg.from);
          return;
        }
        const waiter = slot.waiting.get(msg.msg.seq);
        slot.waiting.delete(msg.msg.seq);
        waiter?.(msg.msg);
        return;
      }
      case 'thread-exited': {
        const slot = this.slots[msg.thread];
        if (!slot) return;
        slot.ready = false;
        slot.waiting.clear();
        this.restartsTotal++;
        this.log.error({ worker: msg.thread, code: msg.code, restartInMs: msg.restartInMs }, 'data worker exited; restarting');
        return;
      }
      case 'reloaded':
        this.reloads.get(msg.seq)?.();
        this.reloads.delete(msg.seq);
        return;
    }
  }

  async reports(timeoutMs: number): Promise<WorkerReply[]> {
    const replies = await Promise.all(this.slots.map((slot) => this.ask(slot, timeoutMs)));
    for (const r of replies) if (r.report) this.restartAsked.delete(r.id);
    for (const r of this.hangs.hung(replies)) {
      if (this.restartAsked.has(r.id)) {
        // The data process did not replace it: its main thread is stuck too. A new process recompiles the zones.
        this.log.error({ worker: r.id, pid: this.child?.pid, silentForMs: this.hangs.limitMs }, 'data thread still hung after a restart was asked; killing the data process');
        this.restartAsked.clear();
        this.child?.kill('SIGKILL');
        break;
      }
      this.log.error({ worker: r.id, pid: this.child?.pid, silentForMs: this.hangs.limitMs }, 'data thread hung (no report); replacing it');
      this.restartAsked.add(r.id);
      this.send({ kind: 'restart-thread', thread: r.id });
    }
    return replies;
  }

  private ask(slot: ThreadSlot, timeoutMs: number): Promise<WorkerReply> {
    const base = { id: slot.id, pid: this.child?.pid };
    if (!this.child || !slot.ready) return Promise.resolve({ ...base, report: null, error: this.child ? 'starting' : 'not running' });
    const seq = ++this.seq;
    return askForReport(slot.waiting, seq, timeoutMs, base, () => this.send({ kind: 'to-thread', thread: slot.id, msg: { kind: 'report', seq } }));
  }

  reload(): Promise<void> {
    if (!this.child) return Promise.resolve();
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.reloads.set(seq, resolve);
      this.send({ kind: 'reload', seq });
    });
  }

  broadcast(msg: ToWorker): void {
    if (isHostMessage(msg)) return this.send({ kind: 'to-host', msg });
    for (const slot of this.slots) if (slot.ready) this.send({ kind: 'to-thread', thread: slot.id, msg });
  }

  /** Secondary-zone messages go to the data process once, whichever thread they were meant for. */
  private route(thread: number, msg: ToWorker): void {
    if (isHostMessage(msg)) this.send({ kind: 'to-host', msg });
    else this.send({ kind: 'to-thread', thread, msg });
  }

  private send(msg: ToDataProcess): void {
    try {
      if (this.child?.connected) this.child.send(msg);
    } catch (err) {
      this.log.warn({ err, pid: this.child?.pid }, 'cannot reach the data process');
    }
  }

  get running(): number {
    return this.child ? this.slots.filter((s) => s.ready).length : 0;
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      this.send({ kind: 'stop' });
    });
  }
}
