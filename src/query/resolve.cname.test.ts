// Resolver outcome for CNAME chains: followed inside our zones, stopped at loops, at the zone edge and at 5 CNAMEs.

import { describe, expect, it } from 'vitest';
import { ask, handlerFor, rrs } from './ask.test-util.js';
import { OutcomeKind } from './outcome.js';
import { MAX_CNAME_HOPS } from './resolve.js';

const h = handlerFor(`$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.80
www TXT "www"
alias CNAME www
dangling CNAME missing
outside CNAME www.example.net.
loop1 CNAME loop2
loop2 CNAME loop1
h1 CNAME h2
h2 CNAME h3
h3 CNAME h4
h4 CNAME h5
h5 CNAME www
g1 CNAME h1
`);

const chain = (n: number, last: string) => [...Array.from({ length: n }, (_, i) => `h${i + 1}.example.test CNAME`), last];

describe('CNAME', () => {
  it('follows a CNAME to data in the zone', () => {
    const { msg } = ask(h, 'alias.example.test', 'A');
    expect(rrs(msg.answers)).toEqual(['alias.example.test CNAME', 'www.example.test A']);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.Positive);
    expect(h.lastOutcome.hops).toBe(1);
  });

  it('answers a CNAME query with the CNAME alone', () => {
    const { msg } = ask(h, 'alias.example.test', 'CNAME');
    expect(rrs(msg.answers)).toEqual(['alias.example.test CNAME']);
    expect(msg.authorities).toEqual([]);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.Positive);
  });

  it('gives the target outcome: NXDOMAIN with the SOA for a dangling CNAME (RFC 6604)', () => {
    const { msg } = ask(h, 'dangling.example.test', 'A');
    expect(msg.rcode).toBe('NXDOMAIN');
    expect(rrs(msg.answers)).toEqual(['dangling.example.test CNAME']);
    expect(rrs(msg.authorities)).toEqual(['example.test SOA']);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.NxDomain);
  });

  it('stops at a target outside our zones: the chain alone, no SOA', () => {
    const { msg } = ask(h, 'outside.example.test', 'A');
    expect(rrs(msg.answers)).toEqual(['outside.example.test CNAME']);
    expect(msg.authorities).toEqual([]);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.Chain);
  });

  it('stops a loop at the first repeat', () => {
    const { msg } = ask(h, 'loop1.example.test', 'A');
    expect(rrs(msg.answers)).toEqual(['loop1.example.test CNAME', 'loop2.example.test CNAME']);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.Chain);
  });

  it(`looks up the target of a chain of exactly ${MAX_CNAME_HOPS} CNAMEs`, () => {
    const a = ask(h, 'h1.example.test', 'A').msg;
    expect(rrs(a.answers)).toEqual(chain(5, 'www.example.test A'));
    // The target lacks the type: NODATA there, so the SOA goes in authority (as Knot answers).
    const mx = ask(h, 'h1.example.test', 'MX').msg;
    expect(rrs(mx.answers)).toEqual(chain(5, '').slice(0, 5));
    expect(rrs(mx.authorities)).toEqual(['example.test SOA']);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.NoData);
  });

  it(`writes no more than ${MAX_CNAME_HOPS} CNAMEs`, () => {
    const { msg } = ask(h, 'g1.example.test', 'A');
    expect(rrs(msg.answers)).toEqual(['g1.example.test CNAME', ...chain(4, '').slice(0, 4)]);
    expect(msg.authorities).toEqual([]);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.Chain);
  });
});
