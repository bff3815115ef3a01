// Resolver outcome: NXDOMAIN, the SOA in authority with the negative TTL, and what proofs will need.

import { describe, expect, it } from 'vitest';
import { ask, handlerFor, rrs } from './ask.test-util.js';
import { OutcomeKind } from './outcome.js';
import { nameToString } from '../wire/name.js';

const h = handlerFor(`$ORIGIN example.test.
$TTL 300
@ 3600 SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
a.b A 192.0.2.2
`);

describe('NXDOMAIN', () => {
  it('sets the RCODE and puts the SOA in authority with TTL min(SOA TTL, MINIMUM)', () => {
    const { msg } = ask(h, 'nope.example.test', 'A');
    expect(msg.rcode).toBe('NXDOMAIN');
    expect(msg.flag_aa).toBe(true);
    expect(msg.answers).toEqual([]);
    expect(rrs(msg.authorities)).toEqual(['example.test SOA']);
    expect(msg.authorities[0].ttl).toBe(60);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.NxDomain);
  });

  it('records the closest encloser and the next closer name', () => {
    ask(h, 'x.y.b.example.test', 'A');
    const o = h.lastOutcome;
    expect(o.kind).toBe(OutcomeKind.NxDomain);
    expect(o.node).toBe(-1);
    const name = o.name!;
    expect(nameToString(name.bytes, name.labels[o.encloserLabel])).toBe('b.example.test.');
    expect(nameToString(name.bytes, name.labels[o.encloserLabel - 1])).toBe('y.b.example.test.');
    expect(o.wildcard).toBe(-1);
  });

  it('is not given for a name that exists only as an empty non-terminal', () => {
    expect(ask(h, 'b.example.test', 'A').msg.rcode).toBe('NOERROR');
  });
});
