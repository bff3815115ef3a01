// Resolver outcome for DNAME (RFC 6672): the DNAME, a synthesized CNAME, then the target's outcome.

import { describe, expect, it } from 'vitest';
import { ask, handlerFor, rrs } from './ask.test-util.js';
import { OutcomeKind } from './outcome.js';

const h = handlerFor(`$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
d DNAME target.example.test.
d TXT "owner data"
www.target A 192.0.2.7
long DNAME ${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.example.test.
`);

describe('DNAME', () => {
  it('answers below the owner with the DNAME, a synthesized CNAME and the target data', () => {
    const { msg } = ask(h, 'www.d.example.test', 'A');
    expect(rrs(msg.answers)).toEqual(['d.example.test DNAME', 'www.d.example.test CNAME', 'www.target.example.test A']);
    expect(msg.answers[1].data).toBe('www.target.example.test');
    expect(msg.authorities).toEqual([]);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.Positive);
    expect(h.lastOutcome.hops).toBe(1);
  });

  it('answers a CNAME query below the owner with the DNAME and the synthesized CNAME alone, no SOA', () => {
    const { msg } = ask(h, 'www.d.example.test', 'CNAME');
    expect(msg.rcode).toBe('NOERROR');
    expect(rrs(msg.answers)).toEqual(['d.example.test DNAME', 'www.d.example.test CNAME']);
    expect(msg.authorities).toEqual([]);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.Positive);
  });

  it('ends with NXDOMAIN and the SOA when the target does not exist', () => {
    const { msg } = ask(h, 'nope.d.example.test', 'A');
    expect(msg.rcode).toBe('NXDOMAIN');
    expect(rrs(msg.answers)).toEqual(['d.example.test DNAME', 'nope.d.example.test CNAME']);
    expect(rrs(msg.authorities)).toEqual(['example.test SOA']);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.NxDomain);
  });

  it('does not redirect the owner itself', () => {
    expect(rrs(ask(h, 'd.example.test', 'TXT').msg.answers)).toEqual(['d.example.test TXT']);
    expect(rrs(ask(h, 'd.example.test', 'DNAME').msg.answers)).toEqual(['d.example.test DNAME']);
  });

  it('answers YXDOMAIN when the synthesized name would be too long', () => {
    const { msg } = ask(h, `${'x'.repeat(63)}.long.example.test`, 'A');
    expect(msg.rcode).toBe('YXDOMAIN');
    expect(rrs(msg.answers)).toEqual(['long.example.test DNAME']);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.Error);
  });
});
