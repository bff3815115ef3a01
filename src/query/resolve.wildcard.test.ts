// Resolver outcome: wildcard answers and wildcard NODATA (RFC 4592), and the wildcard RRL bucket.

import { describe, expect, it } from 'vitest';
import { ask, handlerFor, rrs } from './ask.test-util.js';
import { OutcomeKind, ResponseClass } from './outcome.js';
import { nameToString } from '../wire/name.js';

const h = handlerFor(`$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
*.wild A 192.0.2.99
*.wild MX 5 mail
mail A 192.0.2.25
host.wild A 192.0.2.98
sub.host.wild TXT "below an existing name"
*.wc CNAME www
www A 192.0.2.80
`);

describe('wildcards', () => {
  it('synthesizes an answer owned by the query name', () => {
    const { msg } = ask(h, 'Random.wild.example.test', 'A');
    expect(msg.flag_aa).toBe(true);
    expect(msg.answers.map((r: { name: string }) => r.name)).toEqual(['Random.wild.example.test']);
    const o = h.lastOutcome;
    expect(o.kind).toBe(OutcomeKind.WildcardAnswer);
    expect(o.responseClass).toBe(ResponseClass.Wildcard);
    const b = o.bucket();
    expect(nameToString(b.bucketBytes, b.bucketOff)).toBe('*.wild.example.test.');
    expect(nameToString(o.name!.bytes, o.name!.labels[o.encloserLabel])).toBe('wild.example.test.');
  });

  it('matches more than one label and adds additional records for the synthesized data', () => {
    const { msg } = ask(h, 'a.b.wild.example.test', 'MX');
    expect(rrs(msg.answers)).toEqual(['a.b.wild.example.test MX']);
    expect(rrs(msg.additionals)).toEqual(['mail.example.test A']);
  });

  it('gives wildcard NODATA with the SOA when the wildcard lacks the type', () => {
    const { msg } = ask(h, 'x.wild.example.test', 'TXT');
    expect(msg.rcode).toBe('NOERROR');
    expect(msg.answers).toEqual([]);
    expect(rrs(msg.authorities)).toEqual(['example.test SOA']);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.WildcardNoData);
    expect(h.lastOutcome.wildcard).toBeGreaterThanOrEqual(0);
  });

  it('does not apply where the name, or a closer encloser, exists', () => {
    expect(rrs(ask(h, 'host.wild.example.test', 'A').msg.answers)).toEqual(['host.wild.example.test A']);
    expect(ask(h, 'host.wild.example.test', 'MX').msg.answers).toEqual([]);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.NoData);
    expect(ask(h, 'x.host.wild.example.test', 'A').msg.rcode).toBe('NXDOMAIN');
  });

  it('follows a wildcard CNAME', () => {
    const { msg } = ask(h, 'any.wc.example.test', 'A');
    expect(rrs(msg.answers)).toEqual(['any.wc.example.test CNAME', 'www.example.test A']);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.Positive);
    expect(h.lastOutcome.hops).toBe(1);
  });
});
