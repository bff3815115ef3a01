// Denial proofs at the outcome seam, on a hand-written NSEC zone (signatures are placeholders: only placement is tested).

import { describe, expect, it } from 'vitest';
import { ask, handlerFor, rrs } from '../ask.test-util.js';

const SIG = (type: string, labels: number, ttl: number) => `RRSIG ${type} 13 ${labels} ${ttl} 20270101000000 20261201000000 1 example.test. AAAA`;
const h = handlerFor(`$ORIGIN example.test.
$TTL 3600
@ SOA ns1 host 1 7200 900 1209600 300
@ NS ns1
@ ${SIG('SOA', 2, 3600)}
@ ${SIG('NS', 2, 3600)}
@ 300 NSEC a.b.example.test. NS SOA RRSIG NSEC
@ 300 ${SIG('NSEC', 2, 300)}
a.b A 192.0.2.2
a.b ${SIG('A', 3, 3600)}
a.b 300 NSEC insecure.example.test. A RRSIG NSEC
a.b 300 ${SIG('NSEC', 3, 300)}
insecure NS ns.insecure
insecure 300 NSEC ns1.example.test. NS RRSIG NSEC
insecure 300 ${SIG('NSEC', 2, 300)}
ns.insecure A 192.0.2.9
ns1 A 192.0.2.1
ns1 ${SIG('A', 3, 3600)}
ns1 300 NSEC *.w.example.test. A RRSIG NSEC
ns1 300 ${SIG('NSEC', 3, 300)}
*.w TXT "wild"
*.w ${SIG('TXT', 3, 3600)}
*.w 300 NSEC example.test. TXT RRSIG NSEC
*.w 300 ${SIG('NSEC', 3, 300)}
`);

const authority = (name: string, type: string, dnssecOk = true, udpSize = 1232) => ask(h, name, type, { dnssecOk, udpSize }).msg;

describe('NSEC proofs', () => {
  it('NXDOMAIN: the NSEC covering the name and the one showing no wildcard, SOA signature TTL lowered (RFC 9077)', () => {
    const msg = authority('c.example.test', 'A');
    expect(msg.rcode).toBe('NXDOMAIN');
    // Canonical order: example.test, b (empty), a.b, insecure, ..., so a.b's NSEC covers c, the apex's covers *.
    expect(rrs(msg.authorities).sort()).toEqual(['example.test NSEC', 'example.test RRSIG', 'example.test RRSIG', 'example.test SOA', 'a.b.example.test NSEC', 'a.b.example.test RRSIG'].sort());
    const soaSig = msg.authorities.find((r: { type: string; data: { typeCovered: string } }) => r.type === 'RRSIG' && r.data.typeCovered === 'SOA');
    expect(soaSig.ttl).toBe(300);
  });

  it('NODATA: the NSEC at the name; an empty non-terminal: the covering NSEC', () => {
    expect(rrs(authority('ns1.example.test', 'AAAA').authorities)).toContain('ns1.example.test NSEC');
    expect(rrs(authority('b.example.test', 'A').authorities)).toContain('example.test NSEC');
  });

  it('wildcard answer: the NSEC covering the query name, beside the signed synthesized answer', () => {
    const msg = authority('x.w.example.test', 'TXT');
    expect(rrs(msg.answers)).toEqual(['x.w.example.test TXT', 'x.w.example.test RRSIG']);
    // w, *.w, x.w in canonical order: the wildcard's own NSEC (to the apex) covers x.w.
    expect(rrs(msg.authorities)).toEqual(['*.w.example.test NSEC', '*.w.example.test RRSIG']);
  });

  it('wildcard NODATA: the NSEC at the wildcard, which here also covers the name, written once', () => {
    expect(rrs(authority('x.w.example.test', 'A').authorities)).toEqual(['example.test SOA', 'example.test RRSIG', '*.w.example.test NSEC', '*.w.example.test RRSIG']);
  });

  it('referral without DS: the NSEC at the delegation proves there is none', () => {
    const msg = authority('host.insecure.example.test', 'A');
    expect(rrs(msg.authorities)).toEqual(['insecure.example.test NS', 'insecure.example.test NSEC', 'insecure.example.test RRSIG']);
  });

  it('without DO: no RRSIG, no NSEC', () => {
    const all = [...rrs(authority('c.example.test', 'A', false).authorities), ...rrs(authority('x.w.example.test', 'TXT', false).answers)];
    expect(all.filter((r) => /RRSIG|NSEC/.test(r))).toEqual([]);
  });

  it('RRSIGs keep the TTL of their own set: RRSIG(NSEC) 300 beside RRSIG(A) 3600', () => {
    const msg = authority('ns1.example.test', 'A');
    expect(msg.answers.find((r: { type: string }) => r.type === 'RRSIG').ttl).toBe(3600);
    expect(authority('ns1.example.test', 'AAAA').authorities.find((r: { type: string; data: { typeCovered: string } }) => r.type === 'RRSIG' && r.data.typeCovered === 'NSEC').ttl).toBe(300);
  });
});
