// Test helper: UDP clients bound to chosen loopback addresses (127.0.0.0/8 is all local), paced floods, cookie queries.

import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { HOST } from '../support/server.js';
import { frame } from '../support/dns.js';

export interface Tally {
  sent: number;
  /** Replies with TC=0: full answers. */
  full: number;
  /** TC=1 replies carrying only the question: RRL slips. */
  slipped: number;
}

export function query(id: number, name: string, cookie: Buffer | null = null): Buffer {
  return dnsPacket.encode({
    type: 'query', id, flags: 0,
    questions: [{ name, type: 'A', class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0, options: cookie ? [{ code: 10, data: cookie }] : [] } as unknown as dnsPacket.Answer],
  });
}

/** The COOKIE option data of a reply, or null. */
export function replyCookie(reply: Buffer): Buffer | null {
  const msg = dnsPacket.decode(reply) as any;
  const opt = msg.additionals?.find((a: any) => a.type === 'OPT');
  return (opt?.options.find((o: any) => o.code === 10)?.data as Buffer | undefined) ?? null;
}

/** A UDP client bound to `from` that tallies every reply it gets. */
export class Client {
  readonly tally: Tally = { sent: 0, full: 0, slipped: 0 };
  readonly replies: Buffer[] = [];
  private readonly sock = dgram.createSocket('udp4');
  private constructor(readonly from: string, private readonly port: number) {
    this.sock.on('message', (m) => {
      this.replies.push(m);
      if (m.length >= 12 && m[2] & 0x02) {
        // A slip has the question and nothing else (RFC: TC reply "with only the question").
        if (m.readUInt16BE(6) + m.readUInt16BE(8) + m.readUInt16BE(10) === 0) this.tally.slipped++;
      } else {
        this.tally.full++;
      }
    });
  }

  static async open(from: string, port: number): Promise<Client> {
    const c = new Client(from, port);
    await new Promise<void>((ok, fail) => {
      c.sock.once('error', fail);
      c.sock.bind(0, from, () => ok());
    });
    return c;
  }

  send(msg: Buffer): void {
    this.tally.sent++;
    this.sock.send(msg, this.port, HOST);
  }

  /** One query, one reply (null on timeout). */
  async ask(msg: Buffer, timeoutMs = 1000): Promise<Buffer | null> {
    const before = this.replies.length;
    this.send(msg);
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === before && Date.now() < deadline) await sleep(5);
    return this.replies[before] ?? null;
  }

  close(): void {
    this.sock.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends `perSecond` queries per second in total, spread over the clients, for `seconds`, in 10 ms ticks
 * (bounded: at most perSecond * seconds queries). `each` is called every tick for side traffic.
 */
export async function flood(clients: Client[], msg: (i: number) => Buffer, perSecond: number, seconds: number, each?: (tick: number) => void): Promise<void> {
  const ticks = Math.round(seconds * 100);
  const start = Date.now();
  let sent = 0;
  for (let t = 0; t < ticks; t++) {
    const due = Math.round(((t + 1) * perSecond) / 100);
    for (; sent < due; sent++) clients[sent % clients.length].send(msg(sent));
    each?.(t);
    const wait = start + (t + 1) * 10 - Date.now();
    if (wait > 0) await sleep(wait);
  }
  await sleep(300); // late replies
}

/** One DNS query over TCP from a chosen local address; the reply or null. */
export function tcpAsk(from: string, port: number, msg: Buffer, timeoutMs = 2000): Promise<Buffer | null> {
  return new Promise((ok) => {
    const sock = net.connect({ port, host: HOST, localAddress: from });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => done(null), timeoutMs);
    function done(r: Buffer | null): void {
      clearTimeout(timer);
      sock.destroy();
      ok(r);
    }
    sock.on('error', () => done(null));
    sock.on('connect', () => sock.write(frame(msg)));
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
  });
}
