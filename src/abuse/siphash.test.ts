import { describe, expect, it } from 'vitest';
import { SipKey, sipHash24 } from './siphash.js';

// Reference vectors from the SipHash paper's vectors table (key 00..0f, message 00..n-1), checked with `openssl mac SIPHASH`.
const VECTORS: [number, string][] = [
  [0, '310e0edd47db6f72'],
  [1, 'fd67dc93c539f874'],
  [8, '6224939a79f5f593'],
  [15, 'e545be4961ca29a1'],
  [63, '724506eb4c328a95'],
];

describe('sipHash24', () => {
  const key = new SipKey(Uint8Array.from({ length: 16 }, (_, i) => i));
  it.each(VECTORS)('matches the reference for a %i-byte message', (n, hex) => {
    const msg = Uint8Array.from({ length: n }, (_, i) => i);
    const out = new Uint8Array(8);
    sipHash24(key, msg, 0, n, out, 0);
    expect(Buffer.from(out).toString('hex')).toBe(hex);
  });

  it('hashes a range inside a larger buffer', () => {
    const buf = Uint8Array.from({ length: 40 }, (_, i) => (i < 5 ? 0xee : i - 5));
    const out = new Uint8Array(10);
    sipHash24(key, buf, 5, 20, out, 2);
    expect(Buffer.from(out.subarray(2)).toString('hex')).toBe('e545be4961ca29a1');
  });

  it('refuses a key that is not 128 bits', () => {
    expect(() => new SipKey(new Uint8Array(15))).toThrow(/16 bytes/);
  });
});
