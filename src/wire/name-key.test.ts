// Tests for NameKey: lower-cased bytes, label offsets, and one hash per suffix matching a direct hash.

import { describe, expect, it } from 'vitest';
import { NameKey } from './name-key.js';
import { hashNameBackward } from './name.js';
import { wire } from './wire-name.test-util.js';

describe('NameKey', () => {
  it('loads a name lower-cased with its label offsets', () => {
    const k = new NameKey();
    k.setFrom(wire('A.Bc.TEST'), 0);
    expect(k.count).toBe(3);
    expect(k.len).toBe(11);
    expect(Array.from(k.labels.subarray(0, 4))).toEqual([0, 2, 5, 10]);
    expect(Buffer.from(k.bytes.subarray(0, k.len))).toEqual(Buffer.from(wire('a.bc.test')));
  });

  it('hashes every suffix as hashNameBackward does (the zone index uses that)', () => {
    const k = new NameKey();
    k.setFrom(wire('x.y.example.test'), 0);
    for (let i = 0; i <= k.count; i++) expect(k.hashes[i] >>> 0).toBe(hashNameBackward(k.bytes, k.labels[i], k.len));
  });

  it('loads the root', () => {
    const k = new NameKey();
    k.setFrom(Uint8Array.from([0]), 0);
    expect([k.count, k.len]).toEqual([0, 1]);
  });
});
