// Main-thread side of zone compilation: sends files to a worker thread and receives compiled zones.

import type { Worker } from 'node:worker_threads';
import { startThread } from '../../lib/worker-thread.js';
import type { CompileRequest } from './compile-thread.js';
import type { LoadOptions, LoadResult } from './load.js';

type Result = LoadResult;

/** What the zone manager needs from a compiler; the worker below is the real one. */
export interface ZoneCompileService {
  compile(file: string, options?: LoadOptions): Promise<LoadResult>;
}

/** A parse leaves the worker's heap large (the 1.25M-record zone: ~150 MiB); an idle worker is ended to give it back. */
const IDLE_EXIT_MS = 2000;

/**
 * The compile makes one short-lived object per record; a young generation of V8's default size
 * (tens of MB) fills with them before each scavenge. Capped, the thread peaks ~12 MiB lower on the
 * bench zone at no measurable cost in compile time (bench/workers-sweep.mjs, 2.1 s either way).
 */
const COMPILE_THREAD_LIMITS = { maxYoungGenerationSizeMb: 4 };

type Pending = Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>;

/** One compile thread and the requests it owes answers to. */
interface Thread {
  worker: Worker;
  pending: Pending;
}

export class ZoneCompileWorker implements ZoneCompileService {
  private thread: Thread | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private nextId = 1;

  /** shared: compiled zones come back in SharedArrayBuffers, for thread mode. */
  constructor(
    private readonly idleExitMs = IDLE_EXIT_MS,
    private readonly shared = false,
  ) {}

  compile(file: string, options: LoadOptions = {}): Promise<Result> {
    const thread = this.ensureThread();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, file, options, shared: this.shared } satisfies CompileRequest);
    });
  }

  private ensureThread(): Thread {
    if (this.thread) return this.thread;
    const worker = startThread(new URL('./compile-thread.js', import.meta.url), import.meta.url, { resourceLimits: COMPILE_THREAD_LIMITS });
    worker.unref();
    // Each thread fails only its own requests: a retired idle thread that exits after a new one has
    // started must not take the new thread's compiles with it (a zone change 2 s after a load was lost so).
    const thread: Thread = { worker, pending: new Map() };
    worker.on('message', (msg: { id: number; result: Result }) => {
      const p = thread.pending.get(msg.id);
      thread.pending.delete(msg.id);
      p?.resolve(msg.result);
      if (thread.pending.size === 0 && this.thread === thread) this.scheduleIdleExit(thread);
    });
    // A worker that dies (out of memory on a huge zone, say) fails its compiles in flight, and the next compile starts a new one.
    const fail = (err: Error) => {
      for (const p of thread.pending.values()) p.reject(err);
      thread.pending.clear();
      if (this.thread === thread) this.thread = null;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`zone compile worker exited with code ${code}`)));
    this.thread = thread;
    return thread;
  }

  private scheduleIdleExit(thread: Thread): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.thread !== thread || thread.pending.size > 0) return;
      this.thread = null;
      void thread.worker.terminate();
    }, this.idleExitMs);
    this.idleTimer.unref();
  }

  /** Whether a compile thread is running now (it ends after idling). */
  get threadRunning(): boolean {
    return this.thread !== null;
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const t = this.thread;
    this.thread = null;
    if (t) await t.worker.terminate();
  }
}
