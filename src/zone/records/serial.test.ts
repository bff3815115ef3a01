// RFC 1982 serial comparison: wrap-around, equality, and the undefined half-way pair.

import { describe, expect, it } from 'vitest';
import { serialGreater, serialLess } from './serial.js';

describe('serialGreater / serialLess', () => {
  it('reads left to right: serialGreater(a, b) is "a is newer than b"', () => {
    expect(serialGreater(2, 1)).toBe(true);
    expect(serialGreater(1, 2)).toBe(false);
    expect(serialLess(1, 2)).toBe(true);
    expect(serialLess(2, 1)).toBe(false);
  });

  it('counts wrapping past 2^32 - 1 as going forwards (RFC 1982 §3.2)', () => {
    expect(serialGreater(0, 0xffffffff)).toBe(true);
    expect(serialGreater(1, 0xffffffff)).toBe(true);
    expect(serialLess(0xffffffff, 0)).toBe(true);
    expect(serialGreater(0x7fffffff, 0)).toBe(true); // the largest step forwards
    expect(serialGreater(0x80000001, 0)).toBe(false); // more than half way round is behind
    expect(serialLess(0x80000001, 0)).toBe(true);
  });

  it('finds a serial neither newer nor older than itself', () => {
    for (const s of [0, 1, 2023120101, 0xffffffff]) {
      expect(serialGreater(s, s)).toBe(false);
      expect(serialLess(s, s)).toBe(false);
    }
  });

  it('leaves serials exactly 2^31 apart undefined: neither is newer', () => {
    for (const [a, b] of [[0, 0x80000000], [0x80000000, 0], [5, 0x80000005]]) {
      expect(serialGreater(a, b)).toBe(false);
      expect(serialLess(a, b)).toBe(false);
    }
  });
});
