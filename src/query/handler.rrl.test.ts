// Tests for what the UDP edge's RRL reads from the handler: the outcome's class and bucket name, and the slip reply.

import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { Transport } from './stats.js';
import { ResponseClass } from './outcome.js';
import { handlerFor } from './ask.test-util.js';
import { hashNameBackward } from '../wire/name.js';

const h = handlerFor(`$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 7 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.80
*.wild A 192.0.2.99
sub NS ns.sub
ns.sub A 192.0.2.53
`);

/** Asks and returns the response class and bucket hash exactly as transport/udp.ts computes them. */
function ask(name: string, type = 'A'): { cls: ResponseClass; hash: number; len: number } {
  const pkt = dnsPacket.encode({ type: 'query', id: 9, flags: 0, questions: [{ name, type: type as 'A', class: 'IN' }] });
  const len = h.handle(pkt, pkt.length, Transport.Udp, { address: '127.0.0.1', port: 5 });
  const out = h.lastOutcome.bucket();
  return { cls: out.responseClass, hash: hashNameBackward(out.bucketBytes, out.bucketOff, out.bucketOff + out.bucketLen), len };
}

describe('QueryHandler as RRL sees it', () => {
  it('classes answers by outcome', () => {
    expect(ask('www.example.test').cls).toBe(ResponseClass.Positive);
    expect(ask('nope.example.test').cls).toBe(ResponseClass.NxDomain);
    expect(ask('www.example.test', 'TXT').cls).toBe(ResponseClass.NoData);
    expect(ask('host.sub.example.test').cls).toBe(ResponseClass.Referral);
    expect(ask('a.wild.example.test').cls).toBe(ResponseClass.Wildcard);
    expect(ask('other.test').cls).toBe(ResponseClass.Error);
  });

  it('buckets: qname for positive, apex for negative, delegation point, wildcard owner', () => {
    expect(ask('www.example.test').hash).not.toBe(ask('ns1.example.test').hash);
    expect(ask('a.example.test').hash).toBe(ask('b.c.example.test').hash);
    expect(ask('a.example.test').hash).toBe(ask('www.example.test', 'TXT').hash);
    expect(ask('x.sub.example.test').hash).toBe(ask('y.z.sub.example.test').hash);
    expect(ask('x.sub.example.test').hash).not.toBe(ask('a.example.test').hash);
    expect(ask('r1.wild.example.test').hash).toBe(ask('r2.wild.example.test').hash);
    expect(ask('x.other.test').hash).toBe(ask('y.another.test').hash); // REFUSED: the root
  });

  it('a slip is the header and question with TC=1 and nothing else', () => {
    const { len } = ask('www.example.test');
    const slipLen = h.truncateToQuestion();
    expect(slipLen).toBeLessThan(len);
    const raw = h.response();
    expect(raw.length).toBe(slipLen);
    const msg = dnsPacket.decode(raw) as any;
    expect(msg.flag_tc).toBe(true);
    expect(msg.id).toBe(9);
    expect(msg.questions).toEqual([{ name: 'www.example.test', type: 'A', class: 'IN' }]);
    expect(msg.answers.length + msg.authorities.length + msg.additionals.length).toBe(0);
  });
});
