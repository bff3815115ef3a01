// Main-thread side of zone compilation: sends files to a worker thread and receives compiled zones.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompileRequest } from './worker.js';
import type { LoadOptions, LoadResult } from './load.js';

type Result = LoadResult;

/** The compiled worker beside this module; when running from TypeScript sources (tests), the built one. */
function workerFile(): URL {
  const beside = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL('../../dist/zone/worker.js', import.meta.url);
}

/** What the zone manager needs from a compiler; the worker below is the real one. */
export interface ZoneCompileService {
  compile(file: string, options?: LoadOptions): Promise<LoadResult>;
}

/** A parse leaves the worker's heap large (the 1.25M-record zone: ~150 MiB); an idle worker is ended to give it back. */
const IDLE_EXIT_MS = 2000;

export class ZoneCompileWorker implements ZoneCompileService {
  private worker: Worker | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>();

  /** shared: compiled zones come back in SharedArrayBuffers, for thread mode. */
  constructor(private readonly shared = false) {}

  compile(file: string, options: LoadOptions = {}): Promise<Result> {
    const worker = this.ensureWorker();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, file, options, shared: this.shared } satisfies CompileRequest);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerFile());
    worker.unref();
    worker.on('message', (msg: { id: number; result: Result }) => {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      p?.resolve(msg.result);
      if (this.pending.size === 0) this.scheduleIdleExit(worker);
    });
    // A worker that dies (out of memory on a huge zone, say) fails the compiles in flight, and the next compile starts a new one.
    const fail = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      if (this.worker === worker) this.worker = null;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`zone compile worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private scheduleIdleExit(worker: Worker): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || this.pending.size > 0) return;
      this.worker = null;
      void worker.terminate();
    }, IDLE_EXIT_MS);
    this.idleTimer.unref();
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
