// SipHash-2-4 (Aumasson and Bernstein) over byte ranges, with 64-bit lanes kept as 32-bit halves: no BigInt, no allocation.

/** The four 64-bit state words as [v0hi, v0lo, v1hi, v1lo, v2hi, v2lo, v3hi, v3lo]; reused by every call. */
const v = new Uint32Array(8);

/** A 128-bit SipHash key, read once into little-endian 64-bit halves. */
export class SipKey {
  readonly k0h: number;
  readonly k0l: number;
  readonly k1h: number;
  readonly k1l: number;

  constructor(key: Uint8Array) {
    if (key.length !== 16) throw new Error(`SipHash key must be 16 bytes, got ${key.length}`);
    this.k0l = le32(key, 0);
    this.k0h = le32(key, 4);
    this.k1l = le32(key, 8);
    this.k1h = le32(key, 12);
  }
}

function le32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/** a += b on lanes a and b (indices of the high half). */
function add(a: number, b: number): void {
  const lo = v[a + 1] + v[b + 1];
  v[a] = v[a] + v[b] + (lo > 0xffffffff ? 1 : 0);
  v[a + 1] = lo;
}

/** Rotates lane a left by n bits, 0 < n < 32. */
function rotl(a: number, n: number): void {
  const h = v[a];
  const l = v[a + 1];
  v[a] = (h << n) | (l >>> (32 - n));
  v[a + 1] = (l << n) | (h >>> (32 - n));
}

/** Rotation by 32 swaps the halves. */
function swap(a: number): void {
  const h = v[a];
  v[a] = v[a + 1];
  v[a + 1] = h;
}

function xor(a: number, b: number): void {
  v[a] ^= v[b];
  v[a + 1] ^= v[b + 1];
}

const V0 = 0;
const V1 = 2;
const V2 = 4;
const V3 = 6;

function sipRound(): void {
  add(V0, V1); rotl(V1, 13); xor(V1, V0); swap(V0);
  add(V2, V3); rotl(V3, 16); xor(V3, V2);
  add(V0, V3); rotl(V3, 21); xor(V3, V0);
  add(V2, V1); rotl(V1, 17); xor(V1, V2); swap(V2);
}

function absorb(mh: number, ml: number): void {
  v[V3] ^= mh;
  v[V3 + 1] ^= ml;
  sipRound();
  sipRound();
  v[V0] ^= mh;
  v[V0 + 1] ^= ml;
}

/** SipHash-2-4 of data[from, to) under key; the 8-byte result is written little-endian to out[outOff..]. */
export function sipHash24(key: SipKey, data: Uint8Array, from: number, to: number, out: Uint8Array, outOff: number): void {
  v[0] = key.k0h ^ 0x736f6d65; v[1] = key.k0l ^ 0x70736575;
  v[2] = key.k1h ^ 0x646f7261; v[3] = key.k1l ^ 0x6e646f6d;
  v[4] = key.k0h ^ 0x6c796765; v[5] = key.k0l ^ 0x6e657261;
  v[6] = key.k1h ^ 0x74656462; v[7] = key.k1l ^ 0x79746573;
  const len = to - from;
  let p = from;
  for (const end = from + (len & ~7); p < end; p += 8) absorb(le32(data, p + 4), le32(data, p));
  // Last block: the remaining 0..7 bytes, little-endian, with the length's low byte on top.
  let ml = 0;
  let mh = (len & 0xff) << 24;
  for (let i = 0; p < to; i++, p++) {
    if (i < 4) ml |= data[p] << (8 * i);
    else mh |= data[p] << (8 * (i - 4));
  }
  absorb(mh >>> 0, ml >>> 0);
  v[V2 + 1] ^= 0xff;
  sipRound();
  sipRound();
  sipRound();
  sipRound();
  const h = v[0] ^ v[2] ^ v[4] ^ v[6];
  const l = v[1] ^ v[3] ^ v[5] ^ v[7];
  out[outOff] = l; out[outOff + 1] = l >>> 8; out[outOff + 2] = l >>> 16; out[outOff + 3] = l >>> 24;
  out[outOff + 4] = h; out[outOff + 5] = h >>> 8; out[outOff + 6] = h >>> 16; out[outOff + 7] = h >>> 24;
}
