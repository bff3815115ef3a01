// Resolver outcome: referrals at and below a zone cut, DS on the parent side, and the bucket RRL uses.

import { describe, expect, it } from 'vitest';
import { ask, handlerFor, rrs } from './ask.test-util.js';
import { OutcomeKind, ResponseClass } from './outcome.js';
import { nameToString } from '../wire/name.js';

const PARENT = `$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
sub NS ns.sub
sub NS ns.elsewhere.example.
sub DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns.sub A 192.0.2.53
deep.x.y NS ns1.example.test.
`;
const CHILD = `$ORIGIN child.example.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.77
`;

const h = handlerFor(PARENT);

describe('delegation', () => {
  it('refers a query at the cut: NS in authority, glue in additional, AA clear', () => {
    const { msg } = ask(h, 'sub.example.test', 'A');
    expect(msg.rcode).toBe('NOERROR');
    expect(msg.flag_aa).toBe(false);
    expect(msg.answers).toEqual([]);
    expect(rrs(msg.authorities)).toEqual(['sub.example.test NS', 'sub.example.test NS']);
    expect(rrs(msg.additionals)).toEqual(['ns.sub.example.test A']);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.Referral);
  });

  it('refers a query below the cut, and buckets it at the delegation point', () => {
    const { msg } = ask(h, 'a.b.sub.example.test', 'MX');
    expect(rrs(msg.authorities)).toEqual(['sub.example.test NS', 'sub.example.test NS']);
    const o = h.lastOutcome;
    expect(o.kind).toBe(OutcomeKind.Referral);
    expect(o.responseClass).toBe(ResponseClass.Referral);
    expect(nameToString(o.zone!.names, o.zone!.nodes[o.cut * 8])).toBe('sub.example.test.');
    const b = o.bucket();
    expect(nameToString(b.bucketBytes, b.bucketOff)).toBe('sub.example.test.');
  });

  it('refers a glue name rather than answering it (occluded below the cut)', () => {
    const { msg } = ask(h, 'ns.sub.example.test', 'A');
    expect(msg.flag_aa).toBe(false);
    expect(msg.answers).toEqual([]);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.Referral);
  });

  it('answers DS at the cut from the parent side (RFC 4035 section 3.1.4.1)', () => {
    const { msg } = ask(h, 'sub.example.test', 'DS');
    expect(msg.flag_aa).toBe(true);
    expect(rrs(msg.answers)).toEqual(['sub.example.test DS']);
    expect(h.lastOutcome.kind).toBe(OutcomeKind.Positive);
  });

  it('refers at a deep cut under empty non-terminals', () => {
    const { msg } = ask(h, 'www.deep.x.y.example.test', 'A');
    expect(rrs(msg.authorities)).toEqual(['deep.x.y.example.test NS']);
    // ns1 lies outside the cut: an in-zone address, optional rather than required glue.
    expect(rrs(msg.additionals)).toEqual(['ns1.example.test A']);
  });

  it('answers from the child zone when it is served too, and DS from the parent', () => {
    const both = handlerFor(PARENT, CHILD.replace('child.example.test.', 'sub.example.test.'));
    const soa = ask(both, 'sub.example.test', 'SOA').msg;
    expect(soa.flag_aa).toBe(true);
    expect(rrs(soa.answers)).toEqual(['sub.example.test SOA']);
    expect(rrs(ask(both, 'sub.example.test', 'DS').msg.answers)).toEqual(['sub.example.test DS']);
  });
});
