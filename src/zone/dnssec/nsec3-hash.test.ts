// Tests for NSEC3 hashing and base32hex, against the RFC 5155 Appendix A example.

import { describe, expect, it } from 'vitest';
import { decodeBase32Hex, encodeBase32Hex, nsec3Hash } from './nsec3-hash.js';
import { nameFromText } from '../text/name-text.js';

const salt = Uint8Array.from([0xaa, 0xbb, 0xcc, 0xdd]);

function hashOf(name: string, iterations = 12): string {
  const wire = nameFromText(name, null);
  const out = new Uint8Array(20);
  nsec3Hash(wire, 0, wire.length, salt, iterations, out, 0);
  return encodeBase32Hex(out);
}

describe('nsec3Hash', () => {
  it('matches RFC 5155 Appendix A (salt aabbccdd, 12 iterations)', () => {
    expect(hashOf('example.')).toBe('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom');
    expect(hashOf('a.example.')).toBe('35mthgpgcu1qg68fab165klnsnk3dpvl');
    expect(hashOf('ns1.example.')).toBe('2t7b4g4vsa5smi47k61mv5bv1a22bojr');
    expect(hashOf('*.w.example.')).toBe('r53bq7cc2uvmubfu5ocmm6pers9tk9en');
  });

  it('decodes base32hex labels in either case and rejects other characters', () => {
    const out = new Uint8Array(20);
    const label = Buffer.from('0P9MHAVEQVM6T7VBL5LOP2U3T2RP3TOM', 'latin1');
    expect(decodeBase32Hex(label, 0, label.length, out, 0)).toBe(20);
    expect(encodeBase32Hex(out)).toBe('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom');
    const bad = Buffer.from('0p9mhaveqvm6t7vbl5lop2u3t2rp3toz', 'latin1');
    expect(decodeBase32Hex(bad, 0, bad.length, out, 0)).toBe(-1);
  });
});
