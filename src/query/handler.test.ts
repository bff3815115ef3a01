// Tests for the query handler: EDNS sizes and options, truncation, opcodes, CHAOS, malformed input and counters.

import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import type { QueryHandler } from './handler.js';
import { Transport } from './stats.js';
import { ask, handlerFor, rrs } from './ask.test-util.js';
import { ZoneSet } from './zoneset.js';
import { collectGarbage } from '../zone/loading/gc.js';

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

const handler = (): QueryHandler => handlerFor(ZONE);

const optOf = (msg: { additionals: dnsPacket.Answer[] }) => msg.additionals.find((r) => r.type === 'OPT') as dnsPacket.OptAnswer;

// What each lookup outcome puts in the sections is tested per outcome in resolve.*.test.ts.
describe('answers', () => {
  const h = handler();

  it('answers authoritatively, echoing the question case', () => {
    const { msg, raw } = ask(h, 'WwW.Example.TEST', 'A');
    expect(msg.rcode).toBe('NOERROR');
    expect(msg.flag_aa).toBe(true);
    expect(msg.questions![0].name).toBe('WwW.Example.TEST');
    expect(rrs(msg.answers)).toEqual(['www.example.test CNAME', 'web.example.test A']);
    expect(msg.answers![0].name).toBe('WwW.Example.TEST');
    expect(raw.length).toBeLessThan(100); // owner names are compressed against the question
  });

  it('REFUSED outside our zones, never recursion', () => {
    const r = ask(h, 'www.example.org', 'A', { rd: true }).msg;
    expect(r.rcode).toBe('REFUSED');
    expect(r.flag_ra).toBe(false);
    expect(r.flag_rd).toBe(true);
  });
});

describe('protocol', () => {
  const h = handler();

  it('truncates over UDP without EDNS, not over TCP', () => {
    const udp = ask(h, 'big.example.test', 'TXT', { edns: false });
    expect(udp.msg.flag_tc).toBe(true);
    expect(udp.raw.length).toBeLessThanOrEqual(512);
    const tcp = ask(h, 'big.example.test', 'TXT', { edns: false, transport: Transport.Tcp });
    expect(tcp.msg.flag_tc).toBe(false);
    expect(tcp.msg.answers).toHaveLength(2);
    expect(ask(h, 'big.example.test', 'TXT', { udpSize: 4096 }).msg.flag_tc).toBe(false);
  });

  it('honours the client size with a floor of 512 and a ceiling of 1232', () => {
    expect(ask(h, 'big.example.test', 'TXT', { udpSize: 100 }).msg.flag_tc).toBe(true);
    const opt = optOf(ask(h, 'example.test', 'SOA', { udpSize: 4096 }).msg);
    expect(opt.udpPayloadSize).toBe(1232);
  });

  it('NSID only when asked', () => {
    const withNsid = optOf(ask(h, 'example.test', 'SOA', { nsid: true }).msg);
    expect(withNsid.options.map((o) => Buffer.from(o.data as Buffer).toString())).toEqual(['unit1']);
    const without = optOf(ask(h, 'example.test', 'SOA').msg);
    expect(without.options).toEqual([]);
  });

  it('BADVERS for EDNS version 1', () => {
    const { raw } = ask(h, 'example.test', 'SOA', { version: 1 });
    expect(raw[3] & 0xf).toBe(0);
    const opt = optOf(dnsPacket.decode(raw) as { additionals: dnsPacket.Answer[] });
    expect(opt.extendedRcode).toBe(1); // 16 >> 4
  });

  it('NOTIMP for unknown opcodes, without RD', () => {
    const { msg } = ask(h, 'example.test', 'SOA', { opcode: 2, rd: true });
    expect(msg.rcode).toBe('NOTIMP');
    expect(msg.flag_rd).toBe(false);
  });

  it('CHAOS id.server answers the identity; version is hidden', () => {
    const id = ask(h, 'id.server', 'TXT', { klass: 'CH' }).msg;
    expect(Buffer.from((id.answers![0].data as Buffer[])[0]).toString()).toBe('unit1');
    expect(ask(h, 'version.bind', 'TXT', { klass: 'CH' }).msg.rcode).toBe('REFUSED');
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

describe('zone swaps', () => {
  it('lets the replaced zones go at once, though the last answer (a CNAME chain) went through them', async () => {
    const h = handler();
    ask(h, 'www.example.test', 'A');
    let old: WeakRef<object> | null = new WeakRef(h.zones.zones[0]);
    h.zones = new ZoneSet([]);
    // A WeakRef's target is kept for the rest of the job that made it: collect in a later one.
    await new Promise((ok) => setTimeout(ok, 0));
    collectGarbage();
    await new Promise((ok) => setTimeout(ok, 0));
    expect(old.deref()).toBeUndefined();
    old = null;
    expect(ask(h, 'www.example.test', 'A').msg.rcode).toBe('REFUSED');
  });
});
