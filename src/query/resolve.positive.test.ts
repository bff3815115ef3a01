// Resolver outcome: positive answers (data of the asked type at the name), ANY, and case handling.

import { describe, expect, it } from 'vitest';
import { ask, handlerFor, rrs } from './ask.test-util.js';
import { OutcomeKind } from './outcome.js';

const h = handlerFor(`$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.80
www A 192.0.2.81
www AAAA 2001:db8::80
www TXT "hello"
`);

describe('positive answers', () => {
  it('answers the whole RRset, authoritatively, with nothing in authority', () => {
    const { msg } = ask(h, 'www.example.test', 'A');
    expect(msg.rcode).toBe('NOERROR');
    expect(msg.flag_aa).toBe(true);
    expect(rrs(msg.answers)).toEqual(['www.example.test A', 'www.example.test A']);
    expect(msg.authorities).toEqual([]);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.Positive);
    expect(h.lastOutcome.rrset).toBeGreaterThanOrEqual(0);
    expect(h.lastOutcome.node).toBe(h.lastOutcome.encloser);
  });

  it('answers at the apex', () => {
    const { msg } = ask(h, 'EXAMPLE.test', 'SOA');
    expect(rrs(msg.answers)).toEqual(['example.test SOA']);
    expect(h.lastOutcome.node).toBe(h.lastOutcome.zone!.apex);
  });

  it('answers ANY with one RRset (RFC 8482 section 4.1)', () => {
    const { msg } = ask(h, 'www.example.test', 'ANY');
    expect(rrs(msg.answers)).toEqual(['www.example.test A', 'www.example.test A']);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.Positive);
  });
});
