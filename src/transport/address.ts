// Parses listen addresses: "127.0.0.1:53", "[::1]:53", ":53" (all IPv4), with a clear error for anything else.

import { isIP } from 'node:net';

export interface ListenAddress {
  host: string;
  port: number;
  family: 4 | 6;
}

export function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  if (!m) throw new Error(`bad listen address "${text}": expected ADDR:PORT or [IPv6]:PORT`);
  const host = m[1] ?? (m[2] === '' ? '0.0.0.0' : m[2]);
  const port = Number(m[3]);
  const family = isIP(host);
  if (family === 0) throw new Error(`bad listen address "${text}": "${host}" is not an IP address`);
  if (port > 65535) throw new Error(`bad listen address "${text}": port out of range`);
  if (m[1] !== undefined && family !== 6) throw new Error(`bad listen address "${text}": brackets are for IPv6`);
  return { host, port, family: family as 4 | 6 };
}

export function formatListen(a: ListenAddress): string {
  return a.family === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
