// Tests for the query handler over an in-memory zone: the answer algorithm, EDNS, CHAOS and error paths.

import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { QueryHandler } from './handler.js';
import { ZoneSet } from './zoneset.js';
import { Transport } from './stats.js';
import { compileZoneText } from '../zone/load.js';

const ZONE = `$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 7 7200 900 1209600 60
@ NS ns1
@ NS ns2.example.net.
@ MX 10 mail
ns1 A 192.0.2.1
mail A 192.0.2.25
mail AAAA 2001:db8::25
www CNAME web
web A 192.0.2.80
loop1 CNAME loop2
loop2 CNAME loop1
dangling CNAME missing
a.b.c TXT "deep"
*.wild A 192.0.2.99
*.wild MX 5 mail
host.wild A 192.0.2.98
sub NS ns.sub
ns.sub A 192.0.2.53
d DNAME target.example.test.
x.target A 192.0.2.7
big TXT "${'x'.repeat(200)}" "${'y'.repeat(200)}"
big TXT "${'z'.repeat(200)}" "${'w'.repeat(200)}"
`;

function handler(): QueryHandler {
  const h = new QueryHandler({ nsid: 'unit1', identity: 'unit1', version: null });
  const r = compileZoneText(ZONE, 'example.test.');
  expect(r.errors).toEqual([]);
  h.zones = new ZoneSet([r.zone!]);
  return h;
}

type Opts = { edns?: boolean; udpSize?: number; nsid?: boolean; version?: number; klass?: string; opcode?: number; rd?: boolean; transport?: Transport };

function ask(h: QueryHandler, name: string, type: string, o: Opts = {}) {
  const options = o.nsid ? [{ code: 3, data: Buffer.alloc(0) }] : [];
  const pkt = dnsPacket.encode({
    type: 'query', id: 4242, flags: o.rd ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ name, type: type as 'A', class: (o.klass ?? 'IN') as 'IN' }],
    additionals: o.edns === false ? [] : [{ type: 'OPT', name: '.', udpPayloadSize: o.udpSize ?? 1232, flags: 0, options, ednsVersion: o.version ?? 0 } as dnsPacket.Answer],
  });
  if (o.version) pkt[pkt.length - 6] = o.version; // dns-packet has no field for the EDNS version
  if (o.opcode) pkt[2] |= o.opcode << 3; // nor does its encoder write the opcode
  const len = h.handle(pkt, pkt.length, o.transport ?? Transport.Udp);
  if (len === 0) return null;
  const raw = h.response();
  // dns-packet's typings lack rcode and per-type data; the tests read them loosely.
  return { raw, msg: dnsPacket.decode(raw) as any };
}

/** Owners lower-cased: compression shares the question's letter case with every name below it. */
const names = (rrs: dnsPacket.Answer[] | undefined) => (rrs ?? []).filter((r) => r.type !== 'OPT').map((r) => `${r.name.toLowerCase()} ${r.type}`);
const optOf = (msg: { additionals: dnsPacket.Answer[] }) => msg.additionals.find((r) => r.type === 'OPT') as dnsPacket.OptAnswer;

describe('answers', () => {
  const h = handler();

  it('answers authoritatively, echoing the question case', () => {
    const { msg, raw } = ask(h, 'WwW.Example.TEST', 'A')!;
    expect(msg.rcode).toBe('NOERROR');
    expect(msg.flag_aa).toBe(true);
    expect(msg.questions![0].name).toBe('WwW.Example.TEST');
    expect(names(msg.answers)).toEqual(['www.example.test CNAME', 'web.example.test A']);
    expect(msg.answers![0].name).toBe('WwW.Example.TEST');
    expect(raw.length).toBeLessThan(100); // owner names are compressed against the question
  });

  it('NXDOMAIN and NODATA carry the SOA with TTL min(SOA TTL, MINIMUM)', () => {
    const nx = ask(h, 'nope.example.test', 'A')!.msg;
    expect(nx.rcode).toBe('NXDOMAIN');
    expect(nx.authorities![0]).toMatchObject({ type: 'SOA', ttl: 60, name: 'example.test' });
    const nodata = ask(h, 'web.example.test', 'AAAA')!.msg;
    expect(nodata.rcode).toBe('NOERROR');
    expect(nodata.answers).toEqual([]);
    expect(nodata.authorities![0].type).toBe('SOA');
  });

  it('empty non-terminals are NODATA, not NXDOMAIN', () => {
    expect(ask(h, 'b.c.example.test', 'A')!.msg.rcode).toBe('NOERROR');
    expect(ask(h, 'c.example.test', 'TXT')!.msg.authorities![0].type).toBe('SOA');
  });

  it('wildcards synthesize the query name, but not where a name exists', () => {
    const w = ask(h, 'any.wild.example.test', 'A')!.msg;
    expect(w.answers![0]).toMatchObject({ name: 'any.wild.example.test', data: '192.0.2.99' });
    expect(ask(h, 'host.wild.example.test', 'A')!.msg.answers![0].data).toBe('192.0.2.98');
    expect(ask(h, 'host.wild.example.test', 'MX')!.msg.answers).toEqual([]);
    const mx = ask(h, 'x.wild.example.test', 'MX')!.msg;
    expect(names(mx.additionals)).toEqual(['mail.example.test A', 'mail.example.test AAAA']);
  });

  it('referrals: no AA, NS in authority, glue in additional', () => {
    const r = ask(h, 'www.sub.example.test', 'A')!.msg;
    expect(r.flag_aa).toBe(false);
    expect(r.answers).toEqual([]);
    expect(names(r.authorities)).toEqual(['sub.example.test NS']);
    expect(names(r.additionals)).toEqual(['ns.sub.example.test A']);
  });

  it('CNAME loops and dangling CNAMEs end cleanly', () => {
    expect(names(ask(h, 'loop1.example.test', 'A')!.msg.answers)).toEqual(['loop1.example.test CNAME', 'loop2.example.test CNAME']);
    const d = ask(h, 'dangling.example.test', 'A')!.msg;
    expect(d.rcode).toBe('NXDOMAIN');
    expect(names(d.answers)).toEqual(['dangling.example.test CNAME']);
  });

  it('DNAME synthesizes a CNAME and follows it', () => {
    const d = ask(h, 'x.d.example.test', 'A')!.msg;
    expect(names(d.answers)).toEqual(['d.example.test DNAME', 'x.d.example.test CNAME', 'x.target.example.test A']);
    expect(d.answers![1].data).toBe('x.target.example.test');
  });

  it('MX answers carry in-zone addresses in additional', () => {
    expect(names(ask(h, 'example.test', 'MX')!.msg.additionals)).toEqual(['mail.example.test A', 'mail.example.test AAAA']);
  });

  it('ANY gets one RRset (RFC 8482)', () => {
    expect(ask(h, 'example.test', 'ANY')!.msg.answers).toHaveLength(2); // the two NS records
  });

  it('REFUSED outside our zones, never recursion', () => {
    const r = ask(h, 'www.example.org', 'A', { rd: true })!.msg;
    expect(r.rcode).toBe('REFUSED');
    expect(r.flag_ra).toBe(false);
    expect(r.flag_rd).toBe(true);
  });
});

describe('protocol', () => {
  const h = handler();

  it('truncates over UDP without EDNS, not over TCP', () => {
    const udp = ask(h, 'big.example.test', 'TXT', { edns: false })!;
    expect(udp.msg.flag_tc).toBe(true);
    expect(udp.raw.length).toBeLessThanOrEqual(512);
    const tcp = ask(h, 'big.example.test', 'TXT', { edns: false, transport: Transport.Tcp })!;
    expect(tcp.msg.flag_tc).toBe(false);
    expect(tcp.msg.answers).toHaveLength(2);
    expect(ask(h, 'big.example.test', 'TXT', { udpSize: 4096 })!.msg.flag_tc).toBe(false);
  });

  it('honours the client size with a floor of 512 and a ceiling of 1232', () => {
    expect(ask(h, 'big.example.test', 'TXT', { udpSize: 100 })!.msg.flag_tc).toBe(true);
    const opt = optOf(ask(h, 'example.test', 'SOA', { udpSize: 4096 })!.msg);
    expect(opt.udpPayloadSize).toBe(1232);
  });

  it('NSID only when asked', () => {
    const withNsid = optOf(ask(h, 'example.test', 'SOA', { nsid: true })!.msg);
    expect(withNsid.options.map((o) => Buffer.from(o.data as Buffer).toString())).toEqual(['unit1']);
    const without = optOf(ask(h, 'example.test', 'SOA')!.msg);
    expect(without.options).toEqual([]);
  });

  it('BADVERS for EDNS version 1', () => {
    const { raw } = ask(h, 'example.test', 'SOA', { version: 1 })!;
    expect(raw[3] & 0xf).toBe(0);
    const opt = optOf(dnsPacket.decode(raw) as { additionals: dnsPacket.Answer[] });
    expect(opt.extendedRcode).toBe(1); // 16 >> 4
  });

  it('NOTIMP for unknown opcodes, without RD', () => {
    const { msg } = ask(h, 'example.test', 'SOA', { opcode: 2, rd: true })!;
    expect(msg.rcode).toBe('NOTIMP');
    expect(msg.flag_rd).toBe(false);
  });

  it('CHAOS id.server answers the identity; version is hidden', () => {
    const id = ask(h, 'id.server', 'TXT', { klass: 'CH' })!.msg;
    expect(Buffer.from((id.answers![0].data as Buffer[])[0]).toString()).toBe('unit1');
    expect(ask(h, 'version.bind', 'TXT', { klass: 'CH' })!.msg.rcode).toBe('REFUSED');
  });

  it('never answers a response, answers FORMERR to a short question', () => {
    const pkt = Buffer.from([0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(h.handle(pkt, pkt.length, Transport.Udp)).toBe(0);
    pkt[2] = 0;
    const len = h.handle(pkt, pkt.length, Transport.Udp);
    expect(h.response()[3] & 0xf).toBe(1);
    expect(len).toBe(12);
    expect(h.handle(pkt, 5, Transport.Udp)).toBe(0);
  });

  it('counts queries by transport, type and rcode', () => {
    const before = h.stats.total;
    ask(h, 'example.test', 'SOA');
    ask(h, 'example.test', 'SOA', { transport: Transport.Tcp });
    expect(h.stats.total).toBe(before + 2);
    expect(h.stats.qtypes[6]).toBeGreaterThanOrEqual(2);
  });
});
