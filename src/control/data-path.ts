// The one interface the control plane has to the data path, whether it runs as cluster processes or as threads.

import type { ToWorker } from '../contract/ipc.js';
import type { WorkerReply } from './workers.js';

export type DataPathMode = 'processes' | 'threads';

/**
 * N data-path workers, each answering DNS and reporting on demand. The control plane sees only this:
 * `ClusterWorkers` (one process per worker, Node 20) and `ThreadWorkers` (one process, one thread
 * per worker, reusePort sockets, shared zones) are interchangeable behind it.
 */
export interface DataPath {
  readonly mode: DataPathMode;
  /** Starts the workers; resolves once each has its zones and listens (or died trying). */
  start(): Promise<void>;
  /** One reply per worker; a worker silent for timeoutMs is reported so (a blocked event loop). */
  reports(timeoutMs: number): Promise<WorkerReply[]>;
  /** Reloads every zone; resolves when every worker serves the result (or is gone). */
  reload(): Promise<void>;
  broadcast(msg: ToWorker): void;
  /** Workers up and serving now. */
  readonly running: number;
  /** Worker restarts since start (a crashed process or thread). */
  readonly restartsTotal: number;
  /** A worker accepted a NOTIFY (secondary zones). */
  onNotify: ((origin: string, from: string) => void) | null;
  /** A worker (new or restarted) is ready: what it must be told at once goes through `send`. */
  onReady: ((send: (msg: ToWorker) => void) => void) | null;
  /** Asks every worker to stop, kills what is left after graceMs. */
  stop(graceMs: number): Promise<void>;
}

/** dgram and net take `reusePort` since Node 22.12 (and 23.1): what thread mode needs. */
export function nodeHasReusePort(version = process.versions.node): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 12);
}

/** --worker-mode auto picks threads where Node can give each thread its own socket, else processes. */
export function pickDataPathMode(wanted: 'auto' | DataPathMode, version = process.versions.node): DataPathMode {
  if (wanted === 'threads' && !nodeHasReusePort(version)) throw new Error(`--worker-mode threads needs Node >= 22.12 (reusePort); this is Node ${version}`);
  if (wanted !== 'auto') return wanted;
  return nodeHasReusePort(version) ? 'threads' : 'processes';
}
