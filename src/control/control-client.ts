// Client side of the control socket: one request, one reply line, with errors an operator can act on.

import net from 'node:net';
import { CONTROL_PROTOCOL_VERSION, type ControlCommand, type ControlReply } from './control-protocol.js';

export const DEFAULT_CONTROL_SOCKET = '/run/anycastd/control.sock';

function explain(path: string, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return `no control socket at ${path} (is anycastd serve running with --control-socket ${path}?)`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${path}: run as the service user, a member of its group, or root`;
    case 'ECONNREFUSED':
      return `nothing is listening on ${path} (a stale socket: anycastd is not running)`;
    default:
      return `cannot talk to anycastd on ${path}: ${err.message}`;
  }
}

/** Sends one command and resolves with its result; rejects with the service's error text. */
export function controlCall<T = unknown>(path: string, cmd: ControlCommand, args: Record<string, number> = {}, timeoutMs = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const sock = net.connect(path);
    let buffer = '';
    let settled = false;
    const settle = (err: Error | null, value?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(value as T);
    };
    const timer = setTimeout(() => settle(new Error(`no reply from anycastd on ${path} within ${timeoutMs / 1000} s (${cmd})`)), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(`${JSON.stringify({ v: CONTROL_PROTOCOL_VERSION, cmd, args })}\n`));
    sock.on('error', (err: NodeJS.ErrnoException) => settle(new Error(explain(path, err))));
    sock.on('close', () => settle(new Error(`anycastd closed the control connection on ${path} without a reply`)));
    sock.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      let reply: ControlReply;
      try {
        reply = JSON.parse(buffer.slice(0, nl)) as ControlReply;
      } catch {
        return settle(new Error(`unreadable reply from ${path}`));
      }
      if (reply.ok) settle(null, reply.result as T);
      else settle(new Error(`anycastd: ${reply.error}`));
    });
  });
}
