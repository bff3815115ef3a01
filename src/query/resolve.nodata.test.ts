// Resolver outcome: NODATA (the name exists without the type): NOERROR, empty answer, SOA in authority.

import { describe, expect, it } from 'vitest';
import { ask, handlerFor, rrs } from './ask.test-util.js';
import { OutcomeKind } from './outcome.js';

const h = handlerFor(`$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.80
leaf.ent A 192.0.2.81
`);

describe('NODATA', () => {
  it('answers NOERROR with the SOA in authority', () => {
    const { msg } = ask(h, 'www.example.test', 'AAAA');
    expect(msg.rcode).toBe('NOERROR');
    expect(msg.flag_aa).toBe(true);
    expect(msg.answers).toEqual([]);
    expect(rrs(msg.authorities)).toEqual(['example.test SOA']);
    expect(msg.authorities[0].ttl).toBe(60);
    const o = h.lastOutcome;
    expect(o.kind).toBe(OutcomeKind.NoData);
    expect(o.node).toBeGreaterThanOrEqual(0);
    expect(o.encloser).toBe(o.node);
  });

  it('answers a DS query at a name that is not a cut as NODATA', () => {
    const { msg } = ask(h, 'www.example.test', 'DS');
    expect(msg.rcode).toBe('NOERROR');
    expect(rrs(msg.authorities)).toEqual(['example.test SOA']);
  });

  it('answers ANY at a name without data (an empty non-terminal) as NODATA', () => {
    const { msg } = ask(h, 'ent.example.test', 'ANY');
    expect(msg.rcode).toBe('NOERROR');
    expect(msg.answers).toEqual([]);
    expect(rrs(msg.authorities)).toEqual(['example.test SOA']);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.NoData);
  });
});
