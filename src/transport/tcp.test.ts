// Tests for the TCP transport on 127.0.0.1: framing, pipelining, the per-connection cap, and a failing handler.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import pino from 'pino';
import { DEFAULT_TCP_LIMITS, listenTcp, type TcpLimits, type TcpListener } from './tcp.js';
import { handlerFor } from '../query/ask.test-util.js';
import type { QueryHandler } from '../query/handler.js';

const ZONE = `$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
`;

const log = pino({ level: 'silent' });
let listener: TcpListener | null = null;

afterEach(async () => {
  await listener?.close();
  listener = null;
});

async function start(limits: Partial<TcpLimits> = {}, handler: QueryHandler = handlerFor(ZONE)): Promise<number> {
  listener = await listenTcp({ host: '127.0.0.1', port: 0, family: 4 }, handler, { ...DEFAULT_TCP_LIMITS, ...limits }, log);
  return (listener.server.address() as net.AddressInfo).port;
}

function framed(id: number, name = 'ns1.example.test'): Buffer {
  const q = dnsPacket.encode({ type: 'query', id, questions: [{ name, type: 'A', class: 'IN' }] });
  return Buffer.concat([Buffer.from([q.length >> 8, q.length & 0xff]), q]);
}

/** Writes `payload` in one go and collects every framed response until the server closes (or `timeoutMs`). */
function exchange(port: number, payload: Buffer, timeoutMs = 3000): Promise<{ ids: number[]; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ids: parse(), closedByServer: false });
    }, timeoutMs);
    const parse = (): number[] => {
      const ids: number[] = [];
      for (let off = 0; off + 2 <= data.length; ) {
        const len = data.readUInt16BE(off);
        if (off + 2 + len > data.length) break;
        ids.push(data.readUInt16BE(off + 2));
        off += 2 + len;
      }
      return ids;
    };
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (d) => (data = Buffer.concat([data, d])));
    socket.on('error', reject);
    socket.on('end', () => {
      clearTimeout(timer);
      socket.end();
      resolve({ ids: parse(), closedByServer: true });
    });
  });
}

describe('TCP transport', () => {
  it('answers pipelined queries in order on one connection', async () => {
    const port = await start({ idleMs: 300 });
    const r = await exchange(port, Buffer.concat([1, 2, 3].map((id) => framed(id))));
    expect(r.ids).toEqual([1, 2, 3]);
  });

  it('at the per-connection cap, answers every query already read, then closes', async () => {
    const port = await start({ maxQueriesPerConnection: 2 });
    const r = await exchange(port, Buffer.concat([1, 2, 3, 4, 5].map((id) => framed(id))));
    expect(r.closedByServer).toBe(true);
    expect(r.ids).toEqual([1, 2, 3, 4, 5]);
  });

  it('skips empty frames without counting them', async () => {
    const port = await start({ maxQueriesPerConnection: 1 });
    const r = await exchange(port, Buffer.concat([Buffer.from([0, 0]), framed(9)]));
    expect(r).toEqual({ ids: [9], closedByServer: true });
  });

  it('answers SERVFAIL when the handler throws, and counts it', async () => {
    const h = handlerFor(ZONE);
    h.handle = () => {
      throw new Error('boom');
    };
    const port = await start({ maxQueriesPerConnection: 1 }, h);
    const r = await exchange(port, framed(77));
    expect(r.ids).toEqual([77]);
    expect(h.stats.rcodes[2]).toBe(1);
  });
});
