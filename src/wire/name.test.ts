// Tests for the wire-name helpers: case folding, suffix tests on label boundaries, hashing, presentation.

import { describe, expect, it } from 'vitest';
import { wire } from './wire-name.test-util.js';
import { bytesEqual, copyNameLower, hashNameBackward, isSubdomain, labelCount, lowerOctet, nameLength, nameToString } from './name.js';

describe('wire names', () => {
  it('folds only A-Z (RFC 4343)', () => {
    expect(lowerOctet(0x41)).toBe(0x61);
    expect(lowerOctet(0x5a)).toBe(0x7a);
    expect(lowerOctet(0x40)).toBe(0x40);
    expect(lowerOctet(0xc4)).toBe(0xc4);
  });

  it('copies lower-cased, and measures length and labels', () => {
    const src = wire('WwW.Example.TEST');
    const dst = new Uint8Array(64);
    expect(copyNameLower(src, 0, dst, 3)).toBe(src.length);
    expect(nameToString(dst, 3)).toBe('www.example.test.');
    expect(nameLength(src, 0)).toBe(src.length);
    expect(labelCount(src, 0)).toBe(3);
    expect(labelCount(wire('.'), 0)).toBe(0);
  });

  it('tests subdomains on label boundaries', () => {
    const apex = wire('example.test');
    const yes = wire('a.example.test');
    const no = wire('xexample.test');
    expect(isSubdomain(yes, 0, yes.length, apex, 0, apex.length)).toBe(true);
    expect(isSubdomain(apex, 0, apex.length, apex, 0, apex.length)).toBe(true);
    expect(isSubdomain(no, 0, no.length, apex, 0, apex.length)).toBe(false);
    expect(isSubdomain(apex, 0, apex.length, yes, 0, yes.length)).toBe(false);
  });

  it('hashes equal names equally, wherever they sit', () => {
    const a = wire('www.example.test');
    const b = new Uint8Array(40);
    b.set(a, 7);
    expect(hashNameBackward(a, 0, a.length)).toBe(hashNameBackward(b, 7, 7 + a.length));
    expect(bytesEqual(a, 0, b, 7, a.length)).toBe(true);
    expect(hashNameBackward(a, 0, a.length)).not.toBe(hashNameBackward(wire('wwx.example.test'), 0, a.length));
  });

  it('escapes special and non-printing octets in presentation form', () => {
    expect(nameToString(Uint8Array.from([3, 0x61, 0x2e, 0x20, 0]))).toBe('a\\.\\032.');
    expect(nameToString(Uint8Array.from([0]))).toBe('.');
  });
});
