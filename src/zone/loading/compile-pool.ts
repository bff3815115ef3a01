// Main-thread side of zone compilation: sends files to a worker thread and receives compiled zones.

import type { Worker } from 'node:worker_threads';
import { startThread } from '../../lib/worker-thread.js';
import type { CompileRequest, FoldingNotice, PatchReply, PatchRequest } from './compile-thread.js';
import type { LoadOptions, LoadResult } from './load.js';
import type { CompiledZone } from '../compiled/compiled.js';
import type { ZonePatch } from '../compiled/patch.js';

type Result = LoadResult | PatchReply;

/** What the zone manager needs from a compiler; the worker below is the real one. */
export interface ZoneCompileService {
  compile(file: string, options?: LoadOptions): Promise<LoadResult>;
  /** Applies an IXFR diff to a compiled zone; resolves to the new zone or to why not (then compile the file). */
  patch?(zone: CompiledZone, patch: ZonePatch): Promise<PatchReply>;
}

/** A parse leaves the worker's heap large (the 1.25M-record zone: ~150 MiB); an idle worker is ended to give it back. */
const IDLE_EXIT_MS = 2000;

/**
 * The compile makes one short-lived object per record; a young generation of V8's default size
 * (tens of MB) fills with them before each scavenge. Capped, the thread peaks ~12 MiB lower on the
 * bench zone at no measurable cost in compile time (bench/workers-sweep.mjs, 2.1 s either way).
 */
const COMPILE_THREAD_LIMITS = { maxYoungGenerationSizeMb: 4 };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Pending = Map<number, { resolve: (r: any) => void; reject: (e: Error) => void }>;

/** One compile thread and the requests it owes answers to. */
interface Thread {
  worker: Worker;
  pending: Pending;
  /** Folding a zone it handed over into huge pages: not idle yet. */
  folding?: boolean;
}

export class ZoneCompileWorker implements ZoneCompileService {
  private thread: Thread | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private nextId = 1;

  /**
   * shared: compiled zones come back in SharedArrayBuffers (thread mode, and zones that take IXFR diffs).
   * background: the thread runs at the lowest CPU priority (whole compiles); a patcher of small diffs, whose
   * latency is the point, runs at the normal one.
   */
  constructor(
    private readonly idleExitMs = IDLE_EXIT_MS,
    private readonly shared = false,
    private readonly background = true,
  ) {}

  compile(file: string, options: LoadOptions = {}): Promise<LoadResult> {
    return this.request((id) => ({ id, file, options, shared: this.shared }) satisfies CompileRequest);
  }

  /** Only for zones in SharedArrayBuffers (built with `shared`): a plain zone would be copied on the event loop. */
  patch(zone: CompiledZone, patch: ZonePatch): Promise<PatchReply> {
    return this.request((id) => ({ id, zone, patch, shared: this.shared }) satisfies PatchRequest);
  }

  private request<T extends Result>(message: (id: number) => CompileRequest | PatchRequest): Promise<T> {
    const thread = this.ensureThread();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage(message(id));
    });
  }

  private ensureThread(): Thread {
    if (this.thread) return this.thread;
    const worker = startThread(new URL('./compile-thread.js', import.meta.url), import.meta.url, { workerData: { background: this.background }, resourceLimits: COMPILE_THREAD_LIMITS });
    worker.unref();
    // Each thread fails only its own requests: a retired idle thread that exits after a new one has
    // started must not take the new thread's compiles with it (a zone change 2 s after a load was lost so).
    const thread: Thread = { worker, pending: new Map() };
    worker.on('message', (msg: { id: number; result: Result } | FoldingNotice) => {
      if ('folding' in msg) {
        thread.folding = msg.folding;
        if (!msg.folding && thread.pending.size === 0 && this.thread === thread) this.scheduleIdleExit(thread);
        return;
      }
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
      if (this.thread !== thread || thread.pending.size > 0 || thread.folding) return;
      this.thread = null;
      void thread.worker.terminate();
    }, this.idleExitMs);
    this.idleTimer.unref();
  }

  /** Starts the thread ahead of its first request (a thread start is tens of ms, more than a small patch). */
  warm(): void {
    if (this.thread) return;
    this.scheduleIdleExit(this.ensureThread());
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
