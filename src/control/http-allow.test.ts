// --http-allow parsing and matching, including IPv4 clients seen on a dual-stack listener.

import { describe, expect, it } from 'vitest';
import { allowChecker, parseAllowPrefix } from './http-allow.js';

describe('--http-allow', () => {
  it('parses IPv4 and IPv6 prefixes and bare addresses', () => {
    expect(parseAllowPrefix('10.0.0.0/8')).toEqual({ address: '10.0.0.0', length: 8, family: 'ipv4' });
    expect(parseAllowPrefix('2001:db8::/32')).toEqual({ address: '2001:db8::', length: 32, family: 'ipv6' });
    expect(parseAllowPrefix('192.0.2.7')).toEqual({ address: '192.0.2.7', length: 32, family: 'ipv4' });
  });

  it.each(['10.0.0.0/33', '::/129', 'example.com/8', '10.0.0.0/8/8', '10.0.0.0/x', '', 'fe80::1%eth0/64'])('refuses %j', (text) => {
    expect(() => parseAllowPrefix(text)).toThrow(/expects an IPv4 or IPv6 prefix|prefix length/);
  });

  it('matches only addresses inside the prefixes; no list means no filter', () => {
    expect(allowChecker([])).toBeNull();
    const allowed = allowChecker(['10.0.0.0/8', '2001:db8::/32', '127.0.0.1'].map(parseAllowPrefix))!;
    expect(allowed('10.1.2.3')).toBe(true);
    expect(allowed('11.0.0.1')).toBe(false);
    expect(allowed('127.0.0.1')).toBe(true);
    expect(allowed('127.0.0.2')).toBe(false);
    expect(allowed('::ffff:10.9.9.9')).toBe(true);
    expect(allowed('::ffff:192.0.2.1')).toBe(false);
    expect(allowed('2001:db8:1::5')).toBe(true);
    expect(allowed('2001:db9::5')).toBe(false);
    expect(allowed(undefined)).toBe(false);
  });
});
