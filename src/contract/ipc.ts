// Messages between the control plane (cluster primary) and the data-path workers: the whole interface between them.

import type { LagWindow } from './lag-window.js';
import type { ZoneFileStatus } from './zone-status.js';
import type { SecondarySource } from '../xfr/secondary-config.js';
import type { ZoneDiffMessage } from './zone-diff.js';

/** What a data-path worker tells the control plane each round: counters, load and zones. Never packet internals. */
export interface WorkerReport {
  pid: number;
  /** Cumulative counters since the worker started. */
  queriesUdp: number;
  queriesTcp: number;
  rcodes: number[];
  /** QTYPE -> count, only the types seen. */
  qtypes: Record<number, number>;
  dropped: number;
  truncated: number;
  /** Responses by outcome (positive, nxdomain, referral, ...), keyed by the anycastd_responses_total label. */
  outcomes: Record<string, number>;
  tcpConnections: number;
  lag: LagWindow;
  rssBytes: number;
  heapUsedBytes: number;
  zones: ZoneFileStatus[];
  zoneLoadErrors: number;
  /** NOTIFY messages refused (unknown zone, foreign address, bad or missing TSIG). */
  notifyRefused?: number;
  /** IXFR diffs this worker patched into its compiled zones, and those it left to the zone file. */
  zoneDiffs?: { applied: number; refused: number };
  abuse?: AbuseReport;
  /** The UDP path this worker runs: 'native' (batched addon) or 'dgram'. */
  udpIo?: string;
  /** Native path only: batches by size in power-of-two buckets [1], [2,3], [4,7], [8,15], [16,31], [32,63], [64]. */
  udpBatchSizes?: number[];
}

/** Cookies and RRL as one worker saw them. Settings only, never a secret. */
export interface AbuseReport {
  /** Queries by cookie result, in the order of COOKIE_RESULT_NAMES. */
  cookies: number[];
  /** Limited responses: slipped, dropped, dry_run (RRL_ACTION_NAMES). */
  rrl: number[];
  rrlActiveSlots: number;
  rrlSlots: number;
  settings: { cookies: { enabled: boolean; rollover: boolean }; rrl: object | null };
}

export type ToWorker =
  | { kind: 'report'; seq: number }
  | { kind: 'reload'; seq: number }
  /** Secondary zones: these are expired (SERVFAIL); --xfr-dir may have new files to load. */
  | { kind: 'secondary'; expired: string[]; members: SecondarySource[]; expiresAt: Record<string, number> }
  /** An IXFR just transferred: patch the compiled zone now; the zone file follows. */
  | ZoneDiffMessage
  /** Close the sockets and exit: sent by the primary after the drain window. */
  | { kind: 'stop' }
  /** --debug-endpoints only: hold the event loop for `ms` (a hung data path, for tests). */
  | { kind: 'debug-block'; ms: number; worker?: number }
  /** --debug-endpoints only: the worker (all when absent) dies of an uncaught error (a crashed thread, for tests). */
  | { kind: 'debug-crash'; worker?: number }
  /** --debug-endpoints only: keep the event loop busy `busyMs` out of every `periodMs` (induced lag). */
  | { kind: 'debug-load'; busyMs: number; periodMs: number };

export type FromWorker =
  | { kind: 'ready'; listening: string[] }
  | { kind: 'report'; seq: number; report: WorkerReport }
  | { kind: 'reloaded'; seq: number }
  /** A NOTIFY for a secondary zone passed the worker's checks (primary address, TSIG): refresh it now. */
  | { kind: 'notify'; origin: string; from: string };

export function isFromWorker(msg: unknown): msg is FromWorker {
  return typeof msg === 'object' && msg !== null && typeof (msg as { kind?: unknown }).kind === 'string';
}
