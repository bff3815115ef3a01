// Messages between the control plane and the data process of thread mode, which relays them to its threads.

import type { FromWorker, ToWorker } from '../contract/ipc.js';

/** Primary -> data process: a message for one thread, or a reload/stop for the whole process. */
export type ToDataProcess =
  | { kind: 'to-thread'; thread: number; msg: ToWorker }
  /** Secondary zones are the data process's business (one copy for every thread): freshness and IXFR diffs. */
  | { kind: 'to-host'; msg: HostMessage }
  /** Compile once, then every thread swaps to the shared copy; answered by `reloaded`. */
  | { kind: 'reload'; seq: number }
  /** The thread answers no reports (a blocked loop): end it; it is started again like a crashed one. */
  | { kind: 'restart-thread'; thread: number }
  | { kind: 'stop' };

/** Data process -> primary. */
export type FromDataProcess =
  | { kind: 'from-thread'; thread: number; msg: FromWorker }
  /** A thread died; the data process restarts it after `restartInMs`. */
  | { kind: 'thread-exited'; thread: number; code: number; restartInMs: number }
  | { kind: 'reloaded'; seq: number };

/** What the data process handles once for all its threads (secondary zones: freshness and IXFR diffs). */
export type HostMessage = Extract<ToWorker, { kind: 'secondary' | 'zone-diff' }>;

export function isHostMessage(msg: ToWorker): msg is HostMessage {
  return msg.kind === 'secondary' || msg.kind === 'zone-diff';
}

export function isFromDataProcess(msg: unknown): msg is FromDataProcess {
  return typeof msg === 'object' && msg !== null && typeof (msg as { kind?: unknown }).kind === 'string';
}

/** The environment variable that makes a forked `anycastd serve` the data process of thread mode. */
export const DATA_PROCESS_ENV = 'ANYCASTD_DATA_PROCESS';
