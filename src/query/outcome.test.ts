// Tests for the outcome record the handler exposes: its kind, the RRL class and bucket name, and the counters.

import { describe, expect, it } from 'vitest';
import { OUTCOME_NAMES, OutcomeKind, ResponseClass } from './outcome.js';
import { ask, handlerFor } from './ask.test-util.js';
import { nameToString } from '../wire/name.js';
import { Transport } from './stats.js';

const ZONE = `$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.80
alias CNAME www
out CNAME www.elsewhere.example.
*.wild A 192.0.2.99
sub NS ns.sub
ns.sub A 192.0.2.53
`;

const h = handlerFor(ZONE);

function outcomeOf(name: string, type: string) {
  ask(h, name, type);
  const o = h.lastOutcome;
  const b = o.bucket();
  return { kind: o.kind, cls: o.responseClass, bucket: nameToString(b.bucketBytes, b.bucketOff), hops: o.hops };
}

describe('the last outcome', () => {
  it('names each kind of answer, with the RRL class and bucket', () => {
    expect(outcomeOf('WWW.example.test', 'A')).toEqual({ kind: OutcomeKind.Positive, cls: ResponseClass.Positive, bucket: 'www.example.test.', hops: 0 });
    expect(outcomeOf('alias.example.test', 'A')).toEqual({ kind: OutcomeKind.Positive, cls: ResponseClass.Positive, bucket: 'alias.example.test.', hops: 1 });
    expect(outcomeOf('out.example.test', 'A')).toEqual({ kind: OutcomeKind.Chain, cls: ResponseClass.Positive, bucket: 'out.example.test.', hops: 1 });
    expect(outcomeOf('nope.example.test', 'A')).toEqual({ kind: OutcomeKind.NxDomain, cls: ResponseClass.NxDomain, bucket: 'example.test.', hops: 0 });
    expect(outcomeOf('www.example.test', 'MX')).toEqual({ kind: OutcomeKind.NoData, cls: ResponseClass.NoData, bucket: 'example.test.', hops: 0 });
    expect(outcomeOf('a.b.sub.example.test', 'A')).toEqual({ kind: OutcomeKind.Referral, cls: ResponseClass.Referral, bucket: 'sub.example.test.', hops: 0 });
    expect(outcomeOf('x1.wild.example.test', 'A')).toEqual({ kind: OutcomeKind.WildcardAnswer, cls: ResponseClass.Wildcard, bucket: '*.wild.example.test.', hops: 0 });
    expect(outcomeOf('x2.wild.example.test', 'TXT')).toEqual({ kind: OutcomeKind.WildcardNoData, cls: ResponseClass.Wildcard, bucket: '*.wild.example.test.', hops: 0 });
    expect(outcomeOf('example.org', 'A')).toEqual({ kind: OutcomeKind.Refused, cls: ResponseClass.Error, bucket: '.', hops: 0 });
    expect(outcomeOf('www.example.test', 'AXFR').kind).toBe(OutcomeKind.Refused);
  });

  it('carries what denial proofs need: zone, closest encloser and the next closer label', () => {
    ask(h, 'a.b.nope.example.test', 'A');
    const o = h.lastOutcome;
    expect(o.zone?.meta.origin).toBe('example.test.');
    expect(o.encloser).toBe(o.zone!.apex);
    const name = o.name!;
    expect(nameToString(name.bytes, name.labels[o.encloserLabel])).toBe('example.test.');
    expect(nameToString(name.bytes, name.labels[o.encloserLabel - 1])).toBe('nope.example.test.');
    ask(h, 'x.wild.example.test', 'A', { dnssecOk: true });
    expect(h.lastOutcome.wildcard).toBeGreaterThanOrEqual(0);
    expect(h.lastOutcome.dnssecOk).toBe(true);
    expect(h.lastOutcome.dnssec).toBe(false); // the zone is not signed
  });

  it('counts responses by outcome', () => {
    const c = handlerFor(ZONE);
    ask(c, 'www.example.test', 'A');
    ask(c, 'nope.example.test', 'A');
    ask(c, 'nope2.example.test', 'A', { transport: Transport.Tcp });
    ask(c, 'sub.example.test', 'A');
    const counts = Object.fromEntries(OUTCOME_NAMES.map((n, i) => [n, c.stats.outcomes[i]]));
    expect(counts).toEqual({ positive: 1, chain: 0, nxdomain: 2, nodata: 0, referral: 1, wildcard: 0, wildcard_nodata: 0, refused: 0, error: 0 });
  });
});
