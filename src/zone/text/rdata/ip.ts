// Strict IPv4/IPv6 text parsers writing straight into wire buffers (inet_pton rules: no leading zeros in IPv4).

/** Writes 4 octets at off; false when buf[s, e) is not a dotted-quad IPv4 address. */
export function parseIpv4(buf: Uint8Array, s: number, e: number, out: Uint8Array, off: number): boolean {
  let part = 0;
  let digits = 0;
  let n = 0;
  for (let p = s; p <= e; p++) {
    const c = p === e ? 0x2e : buf[p];
    if (c === 0x2e) {
      if (digits === 0 || n === 4) return false;
      out[off + n++] = part;
      part = 0;
      digits = 0;
      continue;
    }
    const d = c - 0x30;
    if (d < 0 || d > 9) return false;
    if (digits === 1 && part === 0) return false; // leading zero
    part = part * 10 + d;
    if (++digits > 3 || part > 255) return false;
  }
  return n === 4;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

const groups = new Uint16Array(8);

/** Writes 16 octets at off; false when buf[s, e) is not an RFC 4291 IPv6 address. */
export function parseIpv6(buf: Uint8Array, s: number, e: number, out: Uint8Array, off: number): boolean {
  let n = 0;
  let gap = -1;
  let p = s;
  if (e - s < 2) return false;
  if (buf[p] === 0x3a) {
    if (buf[p + 1] !== 0x3a) return false;
    gap = 0;
    p += 2;
    if (p === e) {
      out.fill(0, off, off + 16);
      return true;
    }
  }
  for (;;) {
    // One group, or a trailing IPv4 address.
    let v = 0;
    let digits = 0;
    const gs = p;
    while (p < e) {
      const h = hexValue(buf[p]);
      if (h < 0) break;
      v = (v << 4) | h;
      p++;
      if (++digits > 4) break;
    }
    if (p < e && buf[p] === 0x2e) {
      if (n > 6) return false;
      const end = off + 16;
      if (!parseIpv4(buf, gs, e, out, end - 4)) return false;
      groups[n++] = (out[end - 4] << 8) | out[end - 3];
      groups[n++] = (out[end - 2] << 8) | out[end - 1];
      p = e;
      break;
    }
    if (digits === 0 || digits > 4 || n === 8) return false;
    groups[n++] = v;
    if (p === e) break;
    if (buf[p] !== 0x3a) return false;
    p++;
    if (p < e && buf[p] === 0x3a) {
      if (gap >= 0) return false;
      gap = n;
      p++;
      if (p === e) break;
    } else if (p === e) {
      return false;
    }
  }
  if (gap < 0 ? n !== 8 : n > 7) return false;
  const fill = 8 - n;
  let g = 0;
  for (let k = 0; k < 8; k++) {
    let v: number;
    if (gap >= 0 && k >= gap && k < gap + fill) v = 0;
    else v = groups[g++];
    out[off + 2 * k] = v >>> 8;
    out[off + 2 * k + 1] = v & 0xff;
  }
  return true;
}
