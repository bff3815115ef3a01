// Tests for the UDP transport on 127.0.0.1: an answer per query, silence for non-queries, SERVFAIL on a handler failure.

import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import pino from 'pino';
import { listenUdp } from './udp.js';
import { handlerFor } from '../query/ask.test-util.js';
import type { QueryHandler } from '../query/handler.js';

const ZONE = `$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
`;

const log = pino({ level: 'silent' });
const sockets: dgram.Socket[] = [];

afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

async function start(handler: QueryHandler): Promise<number> {
  const server = await listenUdp({ host: '127.0.0.1', port: 0, family: 4 }, handler, log);
  sockets.push(server);
  return server.address().port;
}

/** Sends one datagram and waits for one reply, or null after `timeoutMs`. */
function send(port: number, msg: Buffer, timeoutMs = 1000): Promise<Buffer | null> {
  const client = dgram.createSocket('udp4');
  sockets.push(client);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    client.on('message', (reply) => {
      clearTimeout(timer);
      resolve(reply);
    });
    client.send(msg, port, '127.0.0.1');
  });
}

const query = (id: number) => dnsPacket.encode({ type: 'query', id, questions: [{ name: 'ns1.example.test', type: 'A', class: 'IN' }] });

describe('UDP transport', () => {
  it('answers a query with the response the handler built', async () => {
    const h = handlerFor(ZONE);
    const port = await start(h);
    const reply = await send(port, query(321));
    const msg = dnsPacket.decode(reply!);
    expect(msg.id).toBe(321);
    expect(msg.answers?.map((a) => (a as { data: unknown }).data)).toEqual(['192.0.2.1']);
    expect(h.stats.queries[0]).toBe(1);
  });

  it('stays silent for a message shorter than a header', async () => {
    const h = handlerFor(ZONE);
    const port = await start(h);
    expect(await send(port, Buffer.from([1, 2, 3]), 300)).toBeNull();
    expect(h.stats.dropped).toBe(1);
  });

  it('answers a bare SERVFAIL when the handler throws, and counts it', async () => {
    const h = handlerFor(ZONE);
    h.handle = () => {
      throw new Error('boom');
    };
    const port = await start(h);
    const reply = await send(port, query(55));
    expect(reply!.readUInt16BE(0)).toBe(55);
    expect(reply![3] & 0xf).toBe(2);
    expect(h.stats.rcodes[2]).toBe(1);
    expect(h.stats.outcomes[8]).toBe(1);
  });
});
