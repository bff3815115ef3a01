// The read-only HTTP listener, in its own thread: a flood of connections costs CPU, never the health loop's turn.

import { readlinkSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { type AllowPrefix, allowChecker } from './http-allow.js';

/** Bounds on what one client, or many, can hold. */
export const HTTP_LIMITS = {
  /** Open connections; further ones are closed at accept. A scraper needs one. */
  maxConnections: 256,
  /** Whole request head within this (slowloris). */
  headersTimeoutMs: 5000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5000,
  maxRequestsPerConnection: 100,
  maxHeaderBytes: 8192,
} as const;

/** What the primary renders after each health round; the thread only serves it. */
export interface HttpSnapshot {
  status: string;
  metrics: string;
  state: string;
  healthy: boolean;
}

export interface HttpCounters {
  requests: number;
  deniedByAllowList: number;
  droppedOverLimit: number;
  refusedMethod: number;
  refusedBody: number;
}

export interface HttpThreadConfig {
  host: string;
  port: number;
  allow: AllowPrefix[];
}

export type ToHttpThread = { kind: 'snapshot'; seq: number; snapshot: HttpSnapshot } | { kind: 'close' };
export type FromHttpThread =
  | { kind: 'listening'; port: number; niceError: string | null }
  | { kind: 'listen-error'; message: string }
  | { kind: 'published'; seq: number; counters: HttpCounters };

const ALLOW = 'GET, HEAD';

/** Nice value of this thread: under CPU contention, DNS and the health loop run first. */
export const HTTP_THREAD_NICE = 10;

/**
 * Lowers this thread's priority only (Linux: setpriority on the thread id, found through /proc/thread-self).
 * Best effort: elsewhere, or where a seccomp filter refuses setpriority, the thread keeps the process's priority.
 */
function lowerThreadPriority(): string | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid === process.pid) return 'no thread id';
    os.setPriority(tid, HTTP_THREAD_NICE);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

function serve(config: HttpThreadConfig, port: NonNullable<typeof parentPort>): void {
  const niceError = lowerThreadPriority();
  let snapshot: HttpSnapshot | null = null;
  const counters: HttpCounters = { requests: 0, deniedByAllowList: 0, droppedOverLimit: 0, refusedMethod: 0, refusedBody: 0 };
  const allowed = allowChecker(config.allow);
  const perConnection = new WeakMap<object, number>();
  const server = http.createServer(
    {
      headersTimeout: HTTP_LIMITS.headersTimeoutMs,
      requestTimeout: HTTP_LIMITS.requestTimeoutMs,
      keepAliveTimeout: HTTP_LIMITS.keepAliveTimeoutMs,
      maxHeaderSize: HTTP_LIMITS.maxHeaderBytes,
      connectionsCheckingInterval: 1000,
    },
    (req, res) => {
      counters.requests++;
      // Node's own maxRequestsPerSocket answers 503 past the limit but keeps the connection; this closes it.
      const served = (perConnection.get(req.socket) ?? 0) + 1;
      perConnection.set(req.socket, served);
      const last = served >= HTTP_LIMITS.maxRequestsPerConnection;
      const send = (code: number, body: string, headers: Record<string, string> = {}) => {
        res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...(last ? { connection: 'close' } : {}), ...headers });
        res.end(body);
      };
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        counters.refusedMethod++;
        // Closing rather than reading whatever body may follow.
        return send(405, 'read-only: state changes go through the control socket (anycastd drain|undrain|reload)\n', { allow: ALLOW, connection: 'close' });
      }
      const length = req.headers['content-length'];
      if (req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')) {
        counters.refusedBody++;
        return send(413, 'request bodies are not accepted\n', { connection: 'close' });
      }
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/metrics' && path !== '/status' && path !== '/healthz') return send(404, 'not found\n');
      if (!snapshot) return send(503, 'starting\n');
      if (path === '/metrics') return send(200, snapshot.metrics, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      if (path === '/status') return send(200, snapshot.status, { 'content-type': 'application/json' });
      // 200 only while announced and healthy (up, or up but de-preferred for load).
      return send(snapshot.healthy ? 200 : 503, `${snapshot.state}\n`);
    },
  );
  // Over the cap, Node closes the new connection before it reaches JavaScript; 'drop' counts it.
  server.maxConnections = HTTP_LIMITS.maxConnections;
  server.on('drop', () => counters.droppedOverLimit++);
  if (allowed) {
    // Runs before the HTTP parser is attached: a client outside the list never gets a byte parsed.
    server.prependListener('connection', (sock) => {
      if (allowed(sock.remoteAddress)) return;
      counters.deniedByAllowList++;
      sock.destroy();
    });
  }
  server.once('error', (err) => port.postMessage({ kind: 'listen-error', message: err.message } satisfies FromHttpThread));
  server.listen(config.port, config.host, () => {
    server.on('error', () => undefined);
    port.postMessage({ kind: 'listening', port: (server.address() as { port: number }).port, niceError } satisfies FromHttpThread);
  });
  port.on('message', (msg: ToHttpThread) => {
    if (msg.kind === 'close') {
      server.close();
      server.closeAllConnections();
      port.close();
      return;
    }
    snapshot = msg.snapshot;
    port.postMessage({ kind: 'published', seq: msg.seq, counters } satisfies FromHttpThread);
  });
}

if (parentPort) serve(workerData as HttpThreadConfig, parentPort);
