// TTL and time-value syntax: plain seconds or unit-suffixed parts like 1h30m, 1w (case-insensitive).

/** Knot accepts any 32-bit value (it stores 2^31..2^32-1 unchanged), so we do too; 2^32 and above is an error. */
export const MAX_TTL = 0xffffffff;

/** Parses buf[s, e) as a TTL; returns -1 when malformed or above MAX_TTL. */
export function parseTtl(buf: Uint8Array, s: number, e: number): number {
  if (s === e) return -1;
  let total = 0;
  let part = 0;
  let digits = 0;
  for (let p = s; p < e; p++) {
    const c = buf[p];
    if (c >= 0x30 && c <= 0x39) {
      part = part * 10 + (c - 0x30);
      if (++digits > 10) return -1;
      continue;
    }
    if (digits === 0) return -1;
    let mul: number;
    switch (c | 0x20) {
      case 0x73: mul = 1; break; // s
      case 0x6d: mul = 60; break; // m
      case 0x68: mul = 3600; break; // h
      case 0x64: mul = 86400; break; // d
      case 0x77: mul = 604800; break; // w
      default: return -1;
    }
    total += part * mul;
    part = 0;
    digits = 0;
  }
  total += part;
  return total > MAX_TTL ? -1 : total;
}

/** Same, for a string. */
export function ttlFromText(text: string): number {
  return parseTtl(Buffer.from(text, 'latin1'), 0, text.length);
}
