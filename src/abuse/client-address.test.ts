import { describe, expect, it } from 'vitest';
import { ClientAddress, parseIp } from './client-address.js';

function hex(text: string): string {
  const out = new Uint8Array(16);
  const n = parseIp(text, out);
  return n === 0 ? 'bad' : Buffer.from(out.subarray(0, n)).toString('hex');
}

describe('parseIp', () => {
  it('parses IPv4', () => {
    expect(hex('198.51.100.100')).toBe('c6336464');
    expect(hex('0.0.0.0')).toBe('00000000');
  });
  it('parses IPv6 with and without a gap', () => {
    expect(hex('2001:db8:220:1:59de:d0f4:8769:82b8')).toBe('20010db80220000159ded0f4876982b8');
    expect(hex('::1')).toBe('00000000000000000000000000000001');
    expect(hex('fe80::1%eth0')).toBe('fe800000000000000000000000000001');
    expect(hex('2001:db8::')).toBe('20010db8000000000000000000000000');
  });
  it('maps ::ffff:a.b.c.d to IPv4', () => {
    expect(hex('::ffff:127.1.1.7')).toBe('7f010107');
  });
  it.each(['1.2.3', '1.2.3.4.5', '256.1.1.1', 'a.b.c.d', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', ''])('rejects %s', (t) => {
    expect(hex(t)).toBe('bad');
  });
});

describe('ClientAddress', () => {
  it('parses lazily and again after set', () => {
    const a = new ClientAddress();
    a.set('10.0.0.1');
    expect(a.resolve()).toBe(4);
    a.set('::1');
    expect(a.resolve()).toBe(16);
    expect(a.bytes[15]).toBe(1);
    a.set('::1');
    expect(a.resolve()).toBe(16);
    a.set('10.0.0.2');
    expect(a.resolve()).toBe(4);
    expect(a.bytes[3]).toBe(2);
  });
});
