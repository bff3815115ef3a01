// A name prepared for lookup: lower-cased, its label offsets, and the backward hash of every suffix.

import { HASH_SEED, extendHashBackward, lowerOctet } from './name.js';

export class NameKey {
  readonly bytes = new Uint8Array(256);
  len = 0;
  /** labels[i] = offset of label i; labels[count] = offset of the root octet. */
  readonly labels = new Int32Array(128);
  count = 0;
  /** hashes[i] = hash of the suffix that starts at labels[i] (hashes[count] is the root). */
  readonly hashes = new Int32Array(128);

  /** Loads an uncompressed, already validated wire name. */
  setFrom(src: Uint8Array, off: number): void {
    const b = this.bytes;
    let i = off;
    let o = 0;
    let n = 0;
    for (;;) {
      const len = src[i++];
      this.labels[n] = o;
      b[o++] = len;
      if (len === 0) break;
      n++;
      for (let end = i + len; i < end; i++) b[o++] = lowerOctet(src[i]);
    }
    this.len = o;
    this.count = n;
    this.computeHashes();
  }

  computeHashes(): void {
    let h = HASH_SEED;
    let end = this.len;
    for (let i = this.count; i >= 0; i--) {
      h = extendHashBackward(h, this.bytes, this.labels[i], end);
      end = this.labels[i];
      this.hashes[i] = h | 0;
    }
  }
}
