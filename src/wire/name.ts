// Wire-format name helpers shared by the zone compiler and the query path: case folding, hashing, comparison.

export const MAX_NAME_OCTETS = 255;

/** ASCII lower-case of one octet; DNS names compare case-insensitively only over A-Z (RFC 4343). */
export function lowerOctet(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}

/** Copies an uncompressed wire name, folding case. Returns the name's length in octets. */
export function copyNameLower(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): number {
  let i = srcOff;
  let o = dstOff;
  for (;;) {
    const len = src[i];
    dst[o++] = len;
    i++;
    if (len === 0) return o - dstOff;
    for (let end = i + len; i < end; i++) dst[o++] = lowerOctet(src[i]);
  }
}

/** Length in octets of an uncompressed wire name starting at off. */
export function nameLength(buf: Uint8Array, off: number): number {
  let i = off;
  while (buf[i] !== 0) i += buf[i] + 1;
  return i + 1 - off;
}

/** Number of labels, not counting the root. */
export function labelCount(buf: Uint8Array, off: number): number {
  let n = 0;
  for (let i = off; buf[i] !== 0; i += buf[i] + 1) n++;
  return n;
}

/**
 * Hash of the octets buf[from..end), taken from the end backwards. Walking backwards lets the
 * query path hash every suffix of a name in one pass (each suffix is a candidate zone apex or
 * closest encloser), instead of re-hashing each suffix from its start.
 */
export function hashNameBackward(buf: Uint8Array, from: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = end - 1; i >= from; i--) h = Math.imul(h ^ buf[i], 0x01000193);
  return h >>> 0;
}

/** Continues a backward hash over buf[from..end) from state h: used to extend a suffix hash label by label. */
export function extendHashBackward(h: number, buf: Uint8Array, from: number, end: number): number {
  for (let i = end - 1; i >= from; i--) h = Math.imul(h ^ buf[i], 0x01000193);
  return h >>> 0;
}

export const HASH_SEED = 0x811c9dc5;

export function bytesEqual(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[aOff + i] !== b[bOff + i]) return false;
  return true;
}

/** Whether the lower-case wire name `name` lies at or below `apex` (both lower-case, uncompressed). */
export function isSubdomain(name: Uint8Array, nameOff: number, nameLen: number, apex: Uint8Array, apexOff: number, apexLen: number): boolean {
  if (nameLen < apexLen) return false;
  // Walk label boundaries so that "xexample.test" is not taken as being under "example.test".
  let i = nameOff;
  const target = nameOff + nameLen - apexLen;
  while (i < target) i += name[i] + 1;
  return i === target && bytesEqual(name, target, apex, apexOff, apexLen);
}

/** Presentation form of a wire name, for logs and errors (not on the hot path). */
export function nameToString(buf: Uint8Array, off = 0): string {
  let out = '';
  let i = off;
  for (;;) {
    const len = buf[i++];
    if (len === 0 || len === undefined) break;
    for (let end = i + len; i < end; i++) {
      const c = buf[i];
      if (c === 0x2e || c === 0x5c || c === 0x22 || c === 0x28 || c === 0x29 || c === 0x3b || c === 0x40 || c === 0x24) out += '\\' + String.fromCharCode(c);
      else if (c <= 0x20 || c >= 0x7f) out += '\\' + String(c).padStart(3, '0');
      else out += String.fromCharCode(c);
    }
    out += '.';
  }
  return out === '' ? '.' : out;
}
