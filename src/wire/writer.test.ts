// Tests for the response writer alone: header and question echo, OPT sizing and content, compression, limits.

import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { Query, parseQuery } from './query.js';
import { ResponseWriter, Section } from './writer.js';
import { compileZoneText } from '../zone/loading/load.js';
import { findNode, findRRset } from '../zone/compiled/compiled.js';
import { hashNameBackward } from './name.js';
import { wire } from './wire-name.test-util.js';

function begin(w: ResponseWriter, o: { edns?: boolean; nsid?: boolean; limit?: number; name?: string } = {}): Query {
  const pkt = dnsPacket.encode({
    type: 'query', id: 99, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: o.name ?? 'Www.Example.test', type: 'A', class: 'IN' }],
    additionals: o.edns ? [{ type: 'OPT', name: '.', udpPayloadSize: 4096, flags: 0, options: o.nsid ? [{ code: 3, data: Buffer.alloc(0) }] : [] } as unknown as dnsPacket.Answer] : [],
  });
  const q = new Query();
  parseQuery(pkt, pkt.length, q);
  w.begin(q, pkt, o.limit ?? 512, true);
  return q;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const decode = (w: ResponseWriter, len: number): any => dnsPacket.decode(Buffer.from(w.buf.subarray(0, len)));

const zone = compileZoneText(`$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.80
www MX 10 mail.example.test.
big TXT "${'x'.repeat(250)}"
big TXT "${'y'.repeat(250)}"
`, 'example.test.').zone!;

function nodeOf(name: string): number {
  const w = wire(name);
  return findNode(zone, hashNameBackward(w, 0, w.length) | 0, w, 0, w.length);
}

describe('ResponseWriter', () => {
  it('echoes ID, opcode, RD and the question as received; sets AA and RCODE as told', () => {
    const w = new ResponseWriter();
    const q = begin(w);
    w.setAuthoritative(true);
    w.setRcode(3);
    const msg = decode(w, w.finish(q));
    expect([msg.id, msg.flag_qr, msg.flag_aa, msg.flag_rd, msg.rcode]).toEqual([99, true, true, true, 'NXDOMAIN']);
    expect(msg.questions[0].name).toBe('Www.Example.test');
  });

  it('writes an OPT with NSID only when asked, and reserves its room up front', () => {
    const w = new ResponseWriter();
    w.nsid = Buffer.from('node1');
    w.advertisedSize = 1400;
    const q = begin(w, { edns: true, nsid: true });
    const len = w.finish(q);
    const opt = decode(w, len).additionals[0];
    expect(opt.udpPayloadSize).toBe(1400);
    expect(opt.options).toEqual([{ code: 3, type: 'NSID', data: Buffer.from('node1') }]);
    const plain = begin(w, { edns: true });
    expect(decode(w, w.finish(plain)).additionals[0].options).toEqual([]);
  });

  it('copies RRsets with owners pointing at the question, and compresses names in RDATA', () => {
    const w = new ResponseWriter();
    const q = begin(w);
    const www = nodeOf('www.example.test');
    expect(w.putRRset(zone, findRRset(zone, www, 15), Section.Answer, 12)).toBe(true);
    expect(w.putNodeRRset(zone, zone.apex, findRRset(zone, zone.apex, 2), Section.Authority)).toBe(true);
    expect(w.putNegativeSoa(zone, Section.Authority)).toBe(true);
    const len = w.finish(q);
    const msg = decode(w, len);
    expect(msg.answers[0]).toMatchObject({ name: 'Www.Example.test', type: 'MX', data: { preference: 10, exchange: 'mail.Example.test' } });
    expect(msg.authorities.map((r: { name: string; type: string; ttl: number }) => `${r.name} ${r.type} ${r.ttl}`)).toEqual(['Example.test NS 300', 'Example.test SOA 60']);
    expect(len).toBeLessThan(120); // every name after the question is a pointer or ends in one
  });

  it('leaves the message as it was when an RRset does not fit, and says so', () => {
    const w = new ResponseWriter();
    const q = begin(w, { limit: 512 });
    const before = w.pos;
    expect(w.putRRset(zone, findRRset(zone, nodeOf('big.example.test'), 16), Section.Answer, 12)).toBe(false);
    expect(w.pos).toBe(before);
    expect(w.answerCount).toBe(0);
    w.markTruncated();
    expect(decode(w, w.finish(q)).flag_tc).toBe(true);
  });

  it('counts the OPT against the limit', () => {
    // Header 12 + question 22 + two TXT RRs of 263 = 560: fits a 560 limit exactly, unless an OPT (11) must follow.
    const w = new ResponseWriter();
    const txt = findRRset(zone, nodeOf('big.example.test'), 16);
    const plain = begin(w, { edns: false, limit: 560, name: 'big.example.test' });
    expect(w.putRRset(zone, txt, Section.Answer, 12)).toBe(true);
    expect(w.finish(plain)).toBe(560);
    const edns = begin(w, { edns: true, limit: 560, name: 'big.example.test' });
    expect(w.putRRset(zone, txt, Section.Answer, 12)).toBe(false);
    w.finish(edns);
  });
});
