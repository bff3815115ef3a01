// Tests for query parsing: what is dropped, what is FORMERR, and the EDNS fields read from OPT.

import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { ParseOutcome, Query, parseQuery } from './query.js';

function parse(pkt: Uint8Array): { outcome: ParseOutcome; q: Query } {
  const q = new Query();
  return { outcome: parseQuery(pkt, pkt.length, q), q };
}

const opt = (o: Partial<{ udpPayloadSize: number; flags: number; options: { code: number; data: Buffer }[] }> = {}) =>
  ({ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0, options: [], ...o }) as dnsPacket.Answer;

describe('parseQuery', () => {
  it('reads the header, a lower-cased question and its end', () => {
    const pkt = dnsPacket.encode({ type: 'query', id: 0x1234, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: 'WWW.Example.test', type: 'AAAA', class: 'IN' }] });
    const { outcome, q } = parse(pkt);
    expect(outcome).toBe(ParseOutcome.Ok);
    expect([q.id, q.opcode, q.qtype, q.qclass, q.hasQuestion, q.questionEnd, q.edns]).toEqual([0x1234, 0, 28, 1, true, pkt.length, false]);
    expect(Buffer.from(q.qname.bytes.subarray(0, q.qname.len)).toString('latin1')).toBe('\x03www\x07example\x04test\x00');
  });

  it('reads EDNS: size, version, DO and NSID', () => {
    const pkt = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: 'a.test', type: 'A' }], additionals: [opt({ udpPayloadSize: 4096, flags: dnsPacket.DNSSEC_OK, options: [{ code: 3, data: Buffer.alloc(0) }] })] });
    const { q } = parse(pkt);
    expect([q.edns, q.udpSize, q.ednsVersion, q.dnssecOk, q.nsid]).toEqual([true, 4096, 0, true, true]);
  });

  it('drops runts and responses', () => {
    expect(parse(new Uint8Array(11)).outcome).toBe(ParseOutcome.Drop);
    const resp = dnsPacket.encode({ type: 'response', id: 1, questions: [{ name: 'a.test', type: 'A' }] });
    expect(parse(resp).outcome).toBe(ParseOutcome.Drop);
  });

  it('gives FORMERR for two questions, trailing octets, a cut question, or a QUERY without one', () => {
    const two = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: 'a.test', type: 'A' }, { name: 'b.test', type: 'A' }] });
    expect(parse(two).outcome).toBe(ParseOutcome.FormErr);
    const one = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: 'a.test', type: 'A' }] });
    expect(parse(Buffer.concat([one, Buffer.from([0])])).outcome).toBe(ParseOutcome.FormErr);
    expect(parse(one.subarray(0, one.length - 2)).outcome).toBe(ParseOutcome.FormErr);
    expect(parse(dnsPacket.encode({ type: 'query', id: 1, questions: [] })).outcome).toBe(ParseOutcome.FormErr);
  });

  it('gives FORMERR without EDNS for a second OPT or an OPT outside the additional section', () => {
    const two = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: 'a.test', type: 'A' }], additionals: [opt(), opt()] });
    const r = parse(two);
    expect(r.outcome).toBe(ParseOutcome.FormErr);
    expect(r.q.edns).toBe(false);
  });

  it('rejects a compression pointer in the question', () => {
    const pkt = Buffer.from(dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: 'a.test', type: 'A' }] }));
    pkt[12] = 0xc0;
    pkt[13] = 12;
    expect(parse(pkt).outcome).toBe(ParseOutcome.FormErr);
  });
});
