// Test helper: a scripted primary on 127.0.0.1 that answers transfer queries with whatever a test wants,
// good or broken (garbage, a close mid-stream, another zone, a huge RR, a serial going backwards).

import net from 'node:net';
import dnsPacket from 'dns-packet';
import { parseMessage } from './message.js';
import { findTsig, signMessage, verifyMessage } from './tsig.js';
import type { TsigKey } from './tsig-keys.js';
import { nameToText } from '../zone/text/name-text.js';

export type Rec = dnsPacket.Answer;

export interface Query {
  id: number;
  name: string;
  type: string;
  /** The serial of the SOA in an IXFR query's authority section. */
  ixfrSerial: number | null;
  /** The request MAC when the query was signed (verified with the primary's key). */
  mac: Uint8Array | null;
}

/** What to send: messages (each a list of records), raw bytes, or a close. */
export type Step = { records: Rec[] } | { raw: Buffer } | { close: true } | { hang: true };
export type Script = (q: Query) => Step[];

export const soa = (zone: string, serial: number, timers: Partial<{ refresh: number; retry: number; expire: number }> = {}): Rec => ({
  name: zone, type: 'SOA', ttl: 300,
  data: { mname: `ns.${zone}`, rname: `admin.${zone}`, serial, refresh: timers.refresh ?? 3600, retry: timers.retry ?? 600, expire: timers.expire ?? 86400, minimum: 300 },
});
export const a = (name: string, ip: string): Rec => ({ name, type: 'A', ttl: 300, data: ip });
export const ns = (zone: string): Rec => ({ name: zone, type: 'NS', ttl: 300, data: `ns.${zone}` });

/** An AXFR-shaped answer: SOA, the records, SOA, split into messages of `perMessage` records. */
export function axfrSteps(zone: string, serial: number, records: Rec[], perMessage = 50, timers = {}): Step[] {
  const all = [soa(zone, serial, timers), ...records, soa(zone, serial, timers)];
  const steps: Step[] = [];
  for (let i = 0; i < all.length; i += perMessage) steps.push({ records: all.slice(i, i + perMessage) });
  return steps;
}

export class FakePrimary {
  readonly queries: Query[] = [];
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(public script: Script, public key: TsigKey | null = null, private readonly host = '127.0.0.1') {}

  async start(): Promise<void> {
    this.server = net.createServer((sock) => this.serve(sock));
    await new Promise<void>((r) => this.server!.listen(this.port, this.host, r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = null;
  }

  private serve(sock: net.Socket): void {
    this.sockets.add(sock);
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
      const raw = buf.subarray(2, 2 + buf.readUInt16BE(0));
      buf = Buffer.alloc(0);
      const msg = parseMessage(raw);
      const tsig = findTsig(msg);
      let mac: Uint8Array | null = null;
      if (tsig && this.key) {
        try {
          mac = verifyMessage(raw, tsig, (n) => (n === this.key!.name ? this.key! : undefined)).mac;
        } catch {
          mac = null;
        }
      }
      const unsigned = Buffer.from(raw.subarray(0, tsig ? tsig.start : raw.length));
      if (tsig) unsigned.writeUInt16BE(unsigned.readUInt16BE(10) - 1, 10);
      const decoded = dnsPacket.decode(unsigned);
      const q = decoded.questions![0];
      const auth = decoded.authorities?.find((r) => r.type === 'SOA');
      const query: Query = { id: decoded.id!, name: q.name, type: q.type, ixfrSerial: auth ? (auth.data as dnsPacket.SoaData).serial ?? null : null, mac };
      this.queries.push(query);
      if (this.key && !mac) {
        // As Knot does: NOTAUTH, with an unsigned TSIG saying BADSIG (or BADKEY) when the query was signed.
        let refusal: Buffer = Buffer.from(dnsPacket.encode({ type: 'response', id: query.id, flags: 9, questions: decoded.questions }));
        if (tsig) refusal = signMessage(refusal, { ...this.key, name: nameToText(tsig.keyName) }, { error: 16, emptyMac: true }).message;
        void this.send(sock, query, [{ raw: refusal }]);
        return;
      }
      void this.send(sock, query, this.script(query));
    });
  }

  private async send(sock: net.Socket, q: Query, steps: Step[]): Promise<void> {
    let prior = q.mac;
    for (const [i, step] of steps.entries()) {
      if ('close' in step) {
        sock.destroy();
        return;
      }
      if ('hang' in step) return;
      let bytes: Buffer;
      if ('raw' in step) bytes = step.raw;
      else {
        bytes = dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: [{ name: q.name, type: q.type as dnsPacket.RecordType }], answers: step.records });
        // Sign every message of the stream, chained (RFC 8945 section 5.3.1).
        if (this.key && prior) {
          const s = signMessage(bytes, this.key, { priorMac: prior, timersOnly: i > 0 });
          bytes = s.message;
          prior = s.mac;
        }
      }
      const len = Buffer.alloc(2);
      len.writeUInt16BE(bytes.length);
      sock.write(Buffer.concat([len, bytes]));
      await new Promise((r) => setImmediate(r));
    }
    sock.end();
  }
}
