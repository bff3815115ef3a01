// TTL syntax tests: plain seconds, unit suffixes, range.
import { describe, expect, it } from 'vitest';
import { ttlFromText } from './ttl.js';

describe('ttlFromText', () => {
  it('reads plain seconds up to 2^32-1 (Knot keeps such values unchanged)', () => {
    expect(ttlFromText('0')).toBe(0);
    expect(ttlFromText('3600')).toBe(3600);
    expect(ttlFromText('2147483648')).toBe(2147483648);
    expect(ttlFromText('4294967295')).toBe(4294967295);
  });

  it('reads unit suffixes, case-insensitively and combined', () => {
    expect(ttlFromText('1h30m')).toBe(5400);
    expect(ttlFromText('1H30M')).toBe(5400);
    expect(ttlFromText('1w')).toBe(604800);
    expect(ttlFromText('1d2h3m4s')).toBe(93784);
    expect(ttlFromText('2h5')).toBe(7205);
  });

  it('rejects junk and overflow', () => {
    for (const bad of ['', 'h', '1x', '-1', '1.5', '4294967296', '99999999999', '1hh', '7102w']) {
      expect(ttlFromText(bad)).toBe(-1);
    }
  });
});
