// The native batched UDP path against node:dgram: the same queries get byte-identical replies; the addon's edges hold.

import dgram from 'node:dgram';
import { Worker } from 'node:worker_threads';
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import pino from 'pino';
import { listenUdp } from './udp.js';
import { ADDON_FILE, BATCH, type UdpListener, batchSizes, listenUdpNative, loadUdpBatchAddon, nativeUnavailableReason } from './udp-native.js';
import { QueryHandler } from '../query/handler.js';
import { ZoneSet } from '../query/zoneset.js';
import { compileZoneText } from '../zone/loading/load.js';
import { ResponseRateLimiter, DEFAULT_RRL } from '../abuse/rrl.js';
import type { ListenAddress } from './address.js';

const ZONE = `$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
ns1 AAAA 2001:db8::1
big 60 TXT ${Array.from({ length: 30 }, (_, i) => `"${'x'.repeat(60)}${i}"`).join(' ')}
*.wild A 192.0.2.9
`;

const addon = loadUdpBatchAddon();
const required = process.env.REQUIRE_E2E === '1';
if (addon === null && !required) console.warn(`skipping native UDP tests: ${nativeUnavailableReason()}`);
const maybe = addon === null && !required ? describe.skip : describe;

const log = pino({ level: 'silent' });
const open: { close(): void }[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function handler(rrl = false): { h: QueryHandler; rrl: ResponseRateLimiter | null } {
  const h = new QueryHandler({ nsid: 'unit1', identity: 'unit1', version: 'v', cookies: { current: new Uint8Array(16).fill(7), previous: null } });
  const r = compileZoneText(ZONE, 'example.test.');
  h.zones = new ZoneSet([r.zone!]);
  return { h, rrl: rrl ? new ResponseRateLimiter({ ...DEFAULT_RRL, rate: 1, slip: 2 }) : null };
}

async function listen(native: boolean, family: 4 | 6, rrl = false): Promise<{ port: number; h: QueryHandler; host: string }> {
  const host = family === 4 ? '127.0.0.1' : '::1';
  const addr: ListenAddress = { host, port: 0, family };
  const { h, rrl: limiter } = handler(rrl);
  const s: UdpListener = native ? listenUdpNative(addr, h, log, limiter) : await listenUdp(addr, h, log, limiter);
  open.push(s);
  return { port: s.address().port, h, host };
}

/** Sends each message in turn from one client socket; a reply, or null after a short wait. */
async function exchange(host: string, port: number, msgs: Buffer[], timeoutMs = 300): Promise<(Buffer | null)[]> {
  const client = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  open.push(client);
  await new Promise<void>((r) => client.bind(0, host, r));
  const out: (Buffer | null)[] = [];
  for (const msg of msgs) {
    out.push(await new Promise<Buffer | null>((resolve) => {
      const timer = setTimeout(() => {
        client.off('message', onMessage);
        resolve(null);
      }, timeoutMs);
      const onMessage = (reply: Buffer) => {
        clearTimeout(timer);
        client.off('message', onMessage);
        resolve(reply);
      };
      client.on('message', onMessage);
      client.send(msg, port, host);
    }));
  }
  return out;
}

const COOKIE = 10;
function q(name: string, type: string, o: { id?: number; edns?: number; cookie?: Buffer; version?: number } = {}): Buffer {
  const options = o.cookie ? [{ code: COOKIE, data: o.cookie }] : [];
  const additionals = o.edns === undefined ? [] : [{ type: 'OPT', name: '.', udpPayloadSize: o.edns, flags: 0, options } as never];
  const pkt = dnsPacket.encode({ type: 'query', id: o.id ?? 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as never, class: 'IN' }], additionals });
  if (o.version !== undefined) pkt[pkt.length - 11 + (o.cookie ? -(4 + o.cookie.length) : 0) + 6] = o.version; // OPT TTL: ext-rcode, then version
  return pkt;
}

const CASES: Buffer[] = [
  q('ns1.example.test', 'A'),
  q('ns1.example.test', 'AAAA', { edns: 1232 }),
  q('nope.example.test', 'A', { edns: 4096 }),
  q('x.wild.example.test', 'A'),
  q('big.example.test', 'TXT'), // truncated without EDNS
  q('big.example.test', 'TXT', { edns: 512 }),
  q('big.example.test', 'TXT', { edns: 4096 }),
  q('example.test', 'SOA', { edns: 1232, cookie: Buffer.from('0102030405060708', 'hex') }),
  q('example.test', 'NS', { edns: 1232, cookie: Buffer.from('01020304', 'hex') }), // malformed cookie: FORMERR
  q('example.test', 'SOA', { edns: 1232, version: 1 }),
  q('other.invalid', 'A'),
  Buffer.from([1, 2, 3]), // shorter than a header: silence
  Buffer.from(q('ns1.example.test', 'A').map((b, i) => (i === 2 ? b | 0x80 : b))), // QR=1: silence
  Buffer.from(q('ns1.example.test', 'A').map((b, i) => (i === 2 ? (b & 0x87) | (9 << 3) : b))), // unknown opcode
];

maybe('native UDP path', () => {
  it('has the addon built (CI installs build-essential)', () => {
    expect(addon, nativeUnavailableReason()).not.toBeNull();
  });

  for (const family of [4, 6] as const) {
    it(`answers every case byte for byte like dgram (IPv${family})`, async () => {
      const d = await listen(false, family);
      const n = await listen(true, family);
      const viaDgram: (Buffer | null)[] = [];
      const viaNative: (Buffer | null)[] = [];
      for (const c of CASES) {
        // A server cookie carries the second it was minted: ask again if a second boundary fell between the two.
        let a: Buffer | null = null;
        let b: Buffer | null = null;
        for (let attempt = 0; attempt < 3; attempt++) {
          [a] = await exchange(d.host, d.port, [c]);
          [b] = await exchange(n.host, n.port, [c]);
          if (a === null || b === null || a.equals(b)) break;
        }
        viaDgram.push(a);
        viaNative.push(b);
      }
      expect(viaNative.map((b) => b?.toString('hex') ?? null)).toEqual(viaDgram.map((b) => b?.toString('hex') ?? null));
      expect(viaNative.filter((b) => b !== null).length).toBe(CASES.length - 2);
      expect(n.h.stats.queries).toEqual(d.h.stats.queries);
      expect(n.h.stats.dropped).toBe(d.h.stats.dropped);
      expect(n.h.stats.truncated).toBe(d.h.stats.truncated);
      expect(Array.from(n.h.cookieCounts)).toEqual(Array.from(d.h.cookieCounts));
    });
  }

  it('rate limits like dgram: the same answers, slips and drops', async () => {
    const d = await listen(false, 4, true);
    const n = await listen(true, 4, true);
    const burst = Array.from({ length: 8 }, (_, i) => q('nope.example.test', 'A', { id: i }));
    /** The whole burst at once, so that both servers see it within the same second of their rate. */
    const shape = async (port: number): Promise<string[]> => {
      const client = dgram.createSocket('udp4');
      open.push(client);
      const seen = new Map<number, string>();
      client.on('message', (m) => seen.set(m.readUInt16BE(0), m[2] & 0x02 ? 'slip' : 'answer'));
      for (const b of burst) client.send(b, port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 200));
      return burst.map((_, i) => seen.get(i) ?? 'drop');
    };
    let [a, b] = [await shape(d.port), await shape(n.port)];
    if (a.join() !== b.join()) [a, b] = [await shape(d.port), await shape(n.port)]; // a second boundary fell between them
    expect(b).toEqual(a);
    expect(a).toContain('answer');
    expect(a.filter((x) => x !== 'answer').length).toBeGreaterThan(0);
  });

  it('answers a bare SERVFAIL when the handler throws', async () => {
    const n = await listen(true, 4);
    n.h.handle = () => {
      throw new Error('boom');
    };
    const [reply] = await exchange(n.host, n.port, [q('ns1.example.test', 'A', { id: 55 })]);
    expect(reply!.readUInt16BE(0)).toBe(55);
    expect(reply![3] & 0xf).toBe(2);
  });

  it('answers a burst of many datagrams, in batches', async () => {
    const n = await listen(true, 4);
    const client = dgram.createSocket('udp4');
    open.push(client);
    const before = batchSizes.reduce((a, b) => a + b, 0);
    const want = 200; // under the ~256 replies a default client receive buffer holds: the replies of one burst arrive before this process reads
    const ids = new Set<number>();
    const done = new Promise<void>((resolve) => client.on('message', (m) => {
      ids.add(m.readUInt16BE(0));
      if (ids.size === want) resolve();
    }));
    for (let i = 0; i < want; i++) client.send(q('ns1.example.test', 'A', { id: i }), n.port, n.host);
    await done;
    expect(n.h.stats.queries[0]).toBe(want);
    expect(batchSizes.reduce((a, b) => a + b, 0) - before).toBeLessThanOrEqual(want);
  });

  it('lets several sockets share a port (SO_REUSEPORT) and leaks no descriptor on close', async () => {
    const fds = () => readdirSync('/proc/self/fd').length;
    await new Promise((r) => setTimeout(r, 50)); // the last test's sockets finish closing first
    const before = fds();
    const { h } = handler();
    const first = listenUdpNative({ host: '127.0.0.1', port: 0, family: 4 }, h, log);
    const port = first.address().port;
    const more = Array.from({ length: 5 }, () => listenUdpNative({ host: '127.0.0.1', port, family: 4 }, h, log));
    expect(fds()).toBeGreaterThanOrEqual(before + 6);
    for (const s of [first, ...more]) {
      s.close();
      s.close(); // twice is harmless
    }
    await new Promise((r) => setTimeout(r, 50)); // uv_close's callback closes the fd on a later loop turn
    expect(fds()).toBe(before);
  });

  it('refuses bad arguments in C instead of trusting them', () => {
    const lib = addon!;
    const ab = (n: number) => new ArrayBuffer(n);
    const cb = () => undefined;
    expect(() => new lib.UdpBatchSocket('127.0.0.1', 0, 4, 4, 512, 512, ab(4 * 511), ab(4 * 512), ab(48), ab(128), cb)).toThrow(/smaller/);
    expect(() => new lib.UdpBatchSocket('127.0.0.1', 0, 4, 100_000, 512, 512, ab(1), ab(1), ab(1), ab(1), cb)).toThrow(/range/);
    expect(() => new lib.UdpBatchSocket('not-an-ip', 0, 4, 4, 512, 512, ab(2048), ab(2048), ab(48), ab(128), cb)).toThrow(/bad IPv4/);
    expect(() => new lib.UdpBatchSocket('127.0.0.1', 0, 5, 4, 512, 512, ab(2048), ab(2048), ab(48), ab(128), cb)).toThrow(/range/);
  });

  it('drops replies whose length or address JS got wrong, and keeps serving', async () => {
    const lib = addon!;
    const batch = 4;
    const lensBuf = new ArrayBuffer(3 * batch * 4);
    const lens = new Int32Array(lensBuf);
    let round = 0;
    const sock = new lib.UdpBatchSocket('127.0.0.1', 0, 4, batch, 512, 512, new ArrayBuffer(batch * 512), new ArrayBuffer(batch * 512), lensBuf, new ArrayBuffer(batch * lib.ADDR_SLOT), (count) => {
      for (let i = 0; i < count; i++) {
        const bad = round++ % 3;
        lens[batch + i] = bad === 0 ? 1e9 : bad === 1 ? -5 : 12;
        if (bad === 2) lens[2 * batch + i] = 4096; // an address length past its slot
      }
    });
    open.push(sock);
    const replies = await exchange('127.0.0.1', sock.port(), [q('a.test', 'A'), q('a.test', 'A'), q('a.test', 'A')], 150);
    expect(replies).toEqual([null, null, null]);
    expect(sock.stats()[3]).toBe(3);
  });

  it('survives a worker thread ending with its socket open, and leaks no descriptor', async () => {
    // The socket's cleanup runs at the thread's teardown, after which Node may unload the addon's code.
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const addon = require(workerData);
      const B = 8, S = 512, lens = new ArrayBuffer(3 * B * 4), L = new Int32Array(lens), rx = new ArrayBuffer(B * S), tx = new ArrayBuffer(B * S);
      const s = new addon.UdpBatchSocket('127.0.0.1', 0, 4, B, S, S, rx, tx, lens, new ArrayBuffer(B * addon.ADDR_SLOT), (n) => {
        for (let i = 0; i < n; i++) { new Uint8Array(tx).set(new Uint8Array(rx, i * S, L[i]), i * S); L[B + i] = L[i]; }
      });
      parentPort.postMessage(s.port());`;
    const fds = () => readdirSync('/proc/self/fd').length;
    await new Promise((r) => setTimeout(r, 50));
    const before = fds();
    for (let round = 0; round < 3; round++) {
      const w = new Worker(code, { eval: true, workerData: ADDON_FILE });
      const port = await new Promise<number>((r) => w.once('message', r));
      const [echo] = await exchange('127.0.0.1', port, [Buffer.from('hello')]);
      expect(echo?.toString()).toBe('hello');
      await w.terminate();
    }
    for (const c of open.splice(0)) c.close(); // the clients exchange() opened
    await new Promise((r) => setTimeout(r, 100));
    expect(fds()).toBe(before);
  });

  it('uses batches no larger than BATCH', () => {
    expect(BATCH).toBeGreaterThan(1);
    expect(batchSizes.length).toBe(7); // [1], [2,3], ... [32,63], [64]
  });
});
