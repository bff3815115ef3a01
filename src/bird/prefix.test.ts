// Tests for anycast prefix validation and normalisation.

import { describe, expect, it } from 'vitest';
import { parsePrefix, parsePrefixes, PrefixError } from './prefix.js';

describe('parsePrefix', () => {
  it('accepts host routes and aligned prefixes in both families', () => {
    expect(parsePrefix('192.0.2.1/32')).toEqual({ family: 4, cidr: '192.0.2.1/32' });
    expect(parsePrefix(' 198.51.100.0/24 ')).toEqual({ family: 4, cidr: '198.51.100.0/24' });
    expect(parsePrefix('2001:db8::1/128')).toEqual({ family: 6, cidr: '2001:db8::1/128' });
    expect(parsePrefix('2001:db8:1::/48')).toEqual({ family: 6, cidr: '2001:db8:1::/48' });
    expect(parsePrefix('0.0.0.0/0').cidr).toBe('0.0.0.0/0');
  });

  it('prints IPv6 in its canonical form', () => {
    expect(parsePrefix('2001:DB8:0:0:0:0:0:1/128').cidr).toBe('2001:db8::1/128');
    expect(parsePrefix('::ffff:192.0.2.1/128').cidr).toBe('::ffff:c000:201/128');
  });

  it.each([
    ['192.0.2.1', /expected ADDRESS\/LENGTH/],
    ['192.0.2.1/33', /0\.\.32/],
    ['192.0.2.1/24', /bits set beyond \/24/],
    ['2001:db8::1/64', /bits set beyond \/64/],
    ['2001:db8::1/129', /0\.\.128/],
    ['fe80::1%eth0/128', /not an IPv4 or IPv6/],
    ['example.com/32', /not an IPv4 or IPv6/],
    ['192.0.2.1/32; } protocol x {', /prefix length must be a number/],
    ['192.0.2.1/3x', /prefix length must be a number/],
    ['192.0.2.01/32', /not an IPv4 or IPv6/],
  ])('rejects %j', (input, why) => {
    expect(() => parsePrefix(input)).toThrow(PrefixError);
    expect(() => parsePrefix(input)).toThrow(why);
  });

  it('keeps the error message printable', () => {
    expect(() => parsePrefix('bad\n/32')).toThrow(/"bad\?\/32"/);
  });

  it('de-duplicates by canonical form and keeps order', () => {
    expect(parsePrefixes(['2001:db8::1/128', '192.0.2.1/32', '2001:DB8::1/128']).map((p) => p.cidr)).toEqual([
      '2001:db8::1/128',
      '192.0.2.1/32',
    ]);
  });
});
