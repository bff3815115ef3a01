// Additional-section processing: glue for referrals (RFC 9471) and address records for NS/MX/SRV targets.

import { describe, expect, it } from 'vitest';
import { ask, handlerFor, rrs } from './ask.test-util.js';

const ns = Array.from({ length: 20 }, (_, i) => `fat NS ns${i}.fat\nns${i}.fat A 198.51.100.${i}\nns${i}.fat AAAA 2001:db8::${i}`).join('\n');
const h = handlerFor(`$ORIGIN example.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
@ NS ns2.example.net.
@ MX 10 mail
@ MX 20 mail
ns1 A 192.0.2.1
ns1 AAAA 2001:db8::1
mail A 192.0.2.25
_sip._udp SRV 0 0 5060 sip
sip AAAA 2001:db8::5
sub NS ns.sub
sub NS ns.other
ns.sub A 192.0.2.53
ns.other A 192.0.2.54
deleg NS ns.sub
${ns}
`);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const extra = (msg: any) => rrs(msg.additionals);

describe('glue and additional records', () => {
  it('adds A and AAAA of in-zone NS targets, once each', () => {
    expect(extra(ask(h, 'example.test', 'NS').msg)).toEqual(['ns1.example.test A', 'ns1.example.test AAAA']);
    expect(extra(ask(h, 'example.test', 'MX').msg)).toEqual(['mail.example.test A']);
    expect(extra(ask(h, '_sip._udp.example.test', 'SRV').msg)).toEqual(['sip.example.test AAAA']);
  });

  it('adds glue below a cut for a referral, and in-zone addresses of out-of-cut servers', () => {
    expect(extra(ask(h, 'www.sub.example.test', 'A').msg)).toEqual(['ns.sub.example.test A', 'ns.other.example.test A']);
  });

  it('sends no glue from below another cut with a positive answer', () => {
    const { msg } = ask(h, 'deleg.example.test', 'DS');
    expect(extra(msg)).toEqual([]);
  });

  it('truncates a referral whose in-bailiwick glue does not fit (RFC 9471)', () => {
    const { msg } = ask(h, 'www.fat.example.test', 'A', { edns: false });
    expect(msg.flag_tc).toBe(true);
    const tcp = ask(h, 'www.fat.example.test', 'A', { transport: 1 }).msg;
    expect(tcp.flag_tc).toBe(false);
    expect(extra(tcp).length).toBe(40);
  });

  it('leaves out optional additional records that do not fit, without TC', () => {
    const many = handlerFor(`$ORIGIN m.test.
$TTL 300
@ SOA ns1 host 1 7200 900 1209600 60
@ NS ns1
ns1 A 192.0.2.1
${Array.from({ length: 15 }, (_, i) => `@ MX ${i} mx${i}\nmx${i} AAAA 2001:db8::${i}`).join('\n')}
`);
    const { msg } = ask(many, 'm.test', 'MX', { edns: false });
    expect(msg.flag_tc).toBe(false);
    expect(msg.answers.length).toBe(15);
    expect(extra(msg).length).toBeGreaterThan(0);
    expect(extra(msg).length).toBeLessThan(15);
  });
});
