// Tests for what the handler tells RRL about the answer it wrote: response class, bucket name, and the slip reply.

import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { QueryHandler } from './handler.js';
import { ZoneSet } from './zoneset.js';
import { Transport } from './stats.js';
import { compileZoneText } from '../zone/load.js';
import { RrlClass } from '../abuse/rrl.js';

const ZONE = `$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 7 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.80
sub NS ns.sub
ns.sub A 192.0.2.53
`;

const h = new QueryHandler({ nsid: null, identity: null, version: null });
h.zones = new ZoneSet([compileZoneText(ZONE, 'example.test.').zone!]);

function ask(name: string, type = 'A'): { cls: RrlClass; hash: number; len: number } {
  const pkt = dnsPacket.encode({ type: 'query', id: 9, flags: 0, questions: [{ name, type: type as 'A', class: 'IN' }] });
  const len = h.handle(pkt, pkt.length, Transport.Udp);
  const cls = h.rrlClass();
  return { cls, hash: h.rrlNameHash(cls), len };
}

describe('QueryHandler RRL view', () => {
  it('classes answers by outcome', () => {
    expect(ask('www.example.test').cls).toBe(RrlClass.Positive);
    expect(ask('nope.example.test').cls).toBe(RrlClass.NxDomain);
    expect(ask('www.example.test', 'TXT').cls).toBe(RrlClass.NoData);
    expect(ask('host.sub.example.test').cls).toBe(RrlClass.Referral);
    expect(ask('other.test').cls).toBe(RrlClass.Error);
  });

  it('buckets positive answers by qname and negative ones by the zone apex', () => {
    expect(ask('www.example.test').hash).not.toBe(ask('ns1.example.test').hash);
    expect(ask('a.example.test').hash).toBe(ask('b.c.example.test').hash);
    expect(ask('a.example.test').hash).toBe(ask('www.example.test', 'TXT').hash);
    expect(ask('x.other.test').hash).toBe(ask('y.another.test').hash); // REFUSED: the root
  });

  it('a slip is the header and question with TC=1 and nothing else', () => {
    const { len } = ask('www.example.test');
    const slipLen = h.truncateToQuestion();
    expect(slipLen).toBeLessThan(len);
    const msg = dnsPacket.decode(Buffer.from(h.writer.buf.subarray(0, slipLen))) as any;
    expect(msg.flag_tc).toBe(true);
    expect(msg.id).toBe(9);
    expect(msg.questions).toEqual([{ name: 'www.example.test', type: 'A', class: 'IN' }]);
    expect(msg.answers.length + msg.authorities.length + msg.additionals.length).toBe(0);
  });
});
