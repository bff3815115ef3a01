// The control socket (--control-socket): a unix socket whose file mode (0660) decides who may drain, undrain, reload.

import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import {
  CONTROL_LIMITS, type ControlRequest, LineSplitter, encodeReply, errorReply, okReply, parseControlRequest,
} from './control-protocol.js';

/** Runs one validated request; a thrown error becomes an error reply. */
export type ControlHandler = (request: ControlRequest) => Promise<unknown>;

/** The socket's mode: owner and group read/write, nobody else (connect(2) needs write permission). */
export const CONTROL_SOCKET_MODE = 0o660;

/** Requests answered, by outcome; shown in /metrics. */
export interface ControlCounters {
  ok: number;
  error: number;
  rejected: number;
}

export class ControlSocketError extends Error {
  override readonly name = 'ControlSocketError';
  /** What failed: another live instance, a non-socket file in the way, or no permission to create it. */
  constructor(message: string, readonly kind: 'in-use' | 'not-a-socket' | 'no-access' | 'other') {
    super(message);
  }
}

export interface ControlSocket {
  path: string;
  counters: ControlCounters;
  close(): Promise<void>;
}

/** Does something answer on `path`? true: a live server; false: nothing listening (a stale file). */
function answers(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = net.connect(path);
    const timer = setTimeout(() => {
      probe.destroy();
      resolve(true); // Accepted but silent still means a process holds it.
    }, timeoutMs);
    probe.once('connect', () => {
      clearTimeout(timer);
      probe.destroy();
      resolve(true);
    });
    probe.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') resolve(false);
      else reject(err);
    });
  });
}

/** Clears the way for our socket: a stale file from a crash goes, a live instance or any other file stops us. */
async function clearStale(path: string, log: Logger): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw accessError(path, err as NodeJS.ErrnoException);
  }
  if (!isSocket) throw new ControlSocketError(`${path} exists and is not a socket; refusing to replace it`, 'not-a-socket');
  // EACCES here: someone else's socket we may neither use nor replace.
  const live = await answers(path).catch((err: NodeJS.ErrnoException) => {
    throw accessError(path, err);
  });
  if (live) throw new ControlSocketError(`another anycastd is running on ${path}`, 'in-use');
  try {
    unlinkSync(path);
  } catch (err) {
    throw accessError(path, err as NodeJS.ErrnoException);
  }
  log.info({ controlSocket: path }, 'replaced a stale control socket (left by a crash)');
}

function accessError(path: string, err: NodeJS.ErrnoException): ControlSocketError {
  const noAccess = err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'EROFS';
  return new ControlSocketError(`cannot create control socket ${path}: ${err.message}`, noAccess ? 'no-access' : 'other');
}

export type ControlLimits = { [K in keyof typeof CONTROL_LIMITS]: number };

export async function startControlSocket(path: string, handler: ControlHandler, log: Logger, limits: ControlLimits = CONTROL_LIMITS): Promise<ControlSocket> {
  try {
    // 0755: the directory may also hold the BIRD include file, which BIRD's user must read; the socket's own mode is the gate.
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  } catch (err) {
    throw accessError(path, err as NodeJS.ErrnoException);
  }
  await clearStale(path, log);
  const counters: ControlCounters = { ok: 0, error: 0, rejected: 0 };
  const open = new Set<net.Socket>();
  const server = net.createServer((sock) => serveConnection(sock, handler, counters, open, limits, log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(accessError(path, err)));
    // bind(2) runs inside listen(), so the umask gives the file 0660 from its first instant, with no window at 0777.
    const umask = process.umask(0o117);
    try {
      server.listen(path, () => resolve());
    } finally {
      process.umask(umask);
    }
  });
  server.on('error', (err) => log.error({ err }, 'control socket error'));
  chmodSync(path, CONTROL_SOCKET_MODE);
  return {
    path,
    counters,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        // Closing a unix-socket server removes its file.
        server.close(() => resolve());
      }),
  };
}

function serveConnection(sock: net.Socket, handler: ControlHandler, counters: ControlCounters, open: Set<net.Socket>, limits: ControlLimits, log: Logger): void {
  sock.on('error', (err) => log.debug({ err }, 'control connection error'));
  if (open.size >= limits.maxConnections) {
    counters.rejected++;
    // Destroyed once the reply is flushed: a refused client's unread bytes must not hold the socket open.
    sock.end(encodeReply(errorReply(`too many control connections (limit ${limits.maxConnections})`)), () => sock.destroy());
    return;
  }
  open.add(sock);
  sock.on('close', () => open.delete(sock));
  sock.setEncoding('utf8');
  const lines = new LineSplitter(limits.maxLineBytes);
  let busy = 0;
  let queue = Promise.resolve();
  const refuse = (message: string) => {
    counters.rejected++;
    log.warn({ reason: message }, 'control socket: request refused');
    sock.removeAllListeners('data');
    sock.end(encodeReply(errorReply(message)), () => sock.destroy());
  };
  sock.setTimeout(limits.idleMs, () => {
    // A long reload is the service's time, not the client's: only an idle client is cut off.
    if (busy === 0) refuse(`idle for ${limits.idleMs / 1000} s without a complete request`);
  });
  sock.on('data', (chunk: string) => {
    const got = lines.push(chunk);
    if (got === 'oversized') return refuse(`request line exceeds ${limits.maxLineBytes} bytes`);
    for (const line of got) {
      busy++;
      queue = queue.then(async () => {
        const reply = await answer(line, handler, counters, log);
        busy--;
        if (!sock.destroyed && sock.writable) sock.write(encodeReply(reply));
      });
    }
  });
}

async function answer(line: string, handler: ControlHandler, counters: ControlCounters, log: Logger) {
  const parsed = parseControlRequest(line);
  if (!parsed.ok) {
    counters.error++;
    log.warn({ reason: parsed.error, bytes: line.length }, 'control socket: malformed request');
    return errorReply(parsed.error);
  }
  try {
    const result = await handler(parsed.request);
    counters.ok++;
    return okReply(result);
  } catch (err) {
    counters.error++;
    log.warn({ cmd: parsed.request.cmd, err: (err as Error).message }, 'control socket: command failed');
    return errorReply((err as Error).message);
  }
}
