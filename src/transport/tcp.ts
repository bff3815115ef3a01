// TCP transport (RFC 7766): length-prefixed messages, pipelining, idle timeout, connection and per-connection caps.

import net from 'node:net';
import type { Logger } from 'pino';
import type { QueryHandler } from '../query/handler.js';
import type { Remote } from '../query/roles/role.js';
import { Transport } from '../query/stats.js';
import { type ListenAddress, formatListen } from './address.js';
import { servfailFor } from './servfail.js';

export interface TcpLimits {
  /** Close a connection that completes no query for this long (RFC 7766 section 6.2.3). */
  idleMs: number;
  maxConnections: number;
  /** Queries answered on one connection before it is closed, so one client cannot hold a slot forever. */
  maxQueriesPerConnection: number;
  /** Unsent replies a client may leave unread before it is dropped. */
  maxPendingBytes: number;
}

export const DEFAULT_TCP_LIMITS: TcpLimits = {
  idleMs: 10_000,
  maxConnections: 1000,
  maxQueriesPerConnection: 100_000,
  maxPendingBytes: 1 << 20,
};

export interface TcpListener {
  server: net.Server;
  connections: Set<net.Socket>;
  close(): Promise<void>;
}

export function listenTcp(addr: ListenAddress, handler: QueryHandler, limits: TcpLimits, log: Logger, reusePort = false): Promise<TcpListener> {
  const connections = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true, pauseOnConnect: false }, (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    serveConnection(socket, handler, limits, log);
  });
  server.maxConnections = limits.maxConnections;
  server.on('error', (err) => log.error({ err, listen: formatListen(addr) }, 'TCP listener error'));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // reusePort (Node >= 22.12): each data-path thread has its own listener on the port.
    server.listen({ port: addr.port, host: addr.host, ipv6Only: addr.family === 6, backlog: 511, ...(reusePort ? { reusePort: true } : {}) }, () => {
      server.off('error', reject);
      resolve({
        server,
        connections,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const c of connections) c.destroy();
          }),
      });
    });
  });
}

function serveConnection(socket: net.Socket, handler: QueryHandler, limits: TcpLimits, log: Logger): void {
  let pending: Buffer | null = null;
  let answered = 0;
  /** The per-connection cap was reached: what was already read is answered, then the connection ends. */
  let closing = false;
  const remote: Remote = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
  const idle = setTimeout(() => socket.destroy(), limits.idleMs);
  socket.on('error', () => socket.destroy()); // resets by clients are routine; nothing to log per connection
  socket.on('close', () => clearTimeout(idle));
  socket.on('drain', () => {
    if (!closing) socket.resume();
  });
  socket.on('data', (chunk: Buffer) => {
    if (closing) return;
    const buf = pending === null ? chunk : Buffer.concat([pending, chunk]);
    let off = 0;
    while (buf.length - off >= 2) {
      const len = (buf[off] << 8) | buf[off + 1];
      if (buf.length - off - 2 < len) break;
      const msg = buf.subarray(off + 2, off + 2 + len);
      off += 2 + len;
      const reply = answer(handler, msg, remote, log);
      // Only an answered query keeps the connection alive or counts: empty frames must not hold a slot.
      if (reply === null) continue;
      if (!socket.write(reply)) {
        // The client is not reading: stop reading its queries until it catches up, and drop it if it never does.
        if (socket.writableLength > limits.maxPendingBytes) {
          socket.destroy();
          return;
        }
        socket.pause();
      }
      answered++;
      // At the cap, keep going through this chunk: a pipelining client already sent these and waits for them.
      if (answered >= limits.maxQueriesPerConnection) closing = true;
      idle.refresh();
    }
    if (closing) {
      pending = null;
      socket.end();
      return;
    }
    pending = off === buf.length ? null : Buffer.from(buf.subarray(off));
  });
}

function answer(handler: QueryHandler, msg: Buffer, remote: Remote, log: Logger): Buffer | null {
  try {
    const len = handler.handle(msg, msg.length, Transport.Tcp, remote);
    if (len === 0) return null;
    const reply = Buffer.allocUnsafe(len + 2);
    reply[0] = len >> 8;
    reply[1] = len & 0xff;
    handler.copyResponse(reply, 2);
    return reply;
  } catch (err) {
    handler.countFailure(Transport.Tcp);
    log.error({ err }, 'query handler failed; answering SERVFAIL');
    const fail = servfailFor(msg);
    if (fail === null) return null;
    return Buffer.concat([Buffer.from([0, fail.length]), fail]);
  }
}
