// Domain names: presentation form (with \. and \DDD escapes, '@', relative names) <-> wire form.

const DOT = 0x2e;
const BSLASH = 0x5c;
const AT = 0x40;

/** Largest name in wire form, RFC 1035 3.1. */
export const MAX_NAME = 255;
export const MAX_LABEL = 63;

/** The root name in wire form. */
export const ROOT = new Uint8Array([0]);

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Writes the wire form of the name in buf[start, end) to out at off and returns the offset after it.
 * Works on bytes so the zone parser can encode straight from the file without building strings.
 * Throws Error with an operator-readable message.
 */
export function encodeName(
  buf: Uint8Array,
  start: number,
  end: number,
  origin: Uint8Array | null,
  out: Uint8Array,
  off: number,
): number {
  if (end === start) throw new Error('empty name');
  if (end - start === 1) {
    if (buf[start] === AT) return appendOrigin(origin, out, off, off, '@');
    if (buf[start] === DOT) {
      out[off] = 0;
      return off + 1;
    }
  }
  // Valid names have at most 4 text octets (\DDD) per wire octet; anything longer cannot fit, and
  // this bound lets the loop below check lengths per label instead of per octet (name-parse bench).
  if (end - start > 4 * MAX_NAME) throw new Error(`name longer than 255 octets: "${latin1(buf, start, end)}"`);
  const base = off;
  let lenPos = off++;
  let p = start;
  while (p < end) {
    let c = buf[p++];
    if (c === DOT) {
      const labelLen = off - lenPos - 1;
      if (labelLen === 0) throw new Error(`empty label in name "${latin1(buf, start, end)}"`);
      if (labelLen > MAX_LABEL) throw new Error(`label longer than 63 octets in name "${latin1(buf, start, end)}"`);
      out[lenPos] = labelLen;
      lenPos = off++;
      if (p === end) {
        out[lenPos] = 0;
        if (off - base > MAX_NAME) throw new Error(`name longer than 255 octets: "${latin1(buf, start, end)}"`);
        return off;
      }
      continue;
    }
    if (c === BSLASH) {
      if (p >= end) throw new Error(`bad escape at end of name "${latin1(buf, start, end)}"`);
      c = buf[p];
      if (isDigit(c)) {
        if (p + 2 >= end) throw new Error(`bad \\DDD escape in name "${latin1(buf, start, end)}"`);
        const d1 = buf[p + 1];
        const d2 = buf[p + 2];
        if (!isDigit(d1) || !isDigit(d2)) throw new Error(`bad \\DDD escape in name "${latin1(buf, start, end)}"`);
        c = (c - 0x30) * 100 + (d1 - 0x30) * 10 + (d2 - 0x30);
        if (c > 255) throw new Error(`\\DDD escape above 255 in name "${latin1(buf, start, end)}"`);
        p += 3;
      } else {
        p++;
      }
    }
    out[off++] = c;
  }
  // Relative name: close the last label and append the origin.
  const labelLen = off - lenPos - 1;
  if (labelLen > MAX_LABEL) throw new Error(`label longer than 63 octets in name "${latin1(buf, start, end)}"`);
  out[lenPos] = labelLen;
  return appendOrigin(origin, out, off, base, latin1(buf, start, end));
}

function appendOrigin(origin: Uint8Array | null, out: Uint8Array, off: number, base: number, text: string): number {
  if (origin === null) throw new Error(`relative name "${text}" but no $ORIGIN is known`);
  if (off - base + origin.length > MAX_NAME) throw new Error(`name longer than 255 octets: "${text}" + origin`);
  out.set(origin, off);
  return off + origin.length;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  // Messages quote at most 80 octets of a name.
  let s = '';
  for (let p = start; p < end && p < start + 80; p++) s += String.fromCharCode(buf[p]);
  return end - start > 80 ? s + '...' : s;
}

/** encodeName may write up to 4 * MAX_NAME + 2 + MAX_NAME octets before it rejects a name. */
export const NAME_SCRATCH = 5 * MAX_NAME + 8;
const scratch = new Uint8Array(NAME_SCRATCH);

/** Presentation -> wire. Relative names (and '@') need origin. Throws on bad names. */
export function nameFromText(text: string, origin: Uint8Array | null): Uint8Array {
  const bytes = Buffer.from(text, 'utf8');
  const end = encodeName(bytes, 0, bytes.length, origin, scratch, 0);
  return scratch.slice(0, end);
}

/** Wire -> presentation, absolute with trailing dot, special and non-printable octets escaped. */
export function nameToText(wire: Uint8Array, offset = 0): string {
  let s = '';
  let p = offset;
  for (;;) {
    const len = wire[p++];
    if (len === undefined) throw new Error('truncated name');
    if (len === 0) break;
    if (len > MAX_LABEL) throw new Error('compressed or bad label in name');
    for (const end = p + len; p < end; p++) s += escapeOctet(wire[p]);
    s += '.';
  }
  return s === '' ? '.' : s;
}

function escapeOctet(c: number): string {
  if (c <= 0x20 || c >= 0x7f) return '\\' + String(c).padStart(3, '0');
  switch (c) {
    case 0x2e: // .
    case 0x5c: // \
    case 0x22: // "
    case 0x28: // (
    case 0x29: // )
    case 0x3b: // ;
    case 0x40: // @
    case 0x24: // $
      return '\\' + String.fromCharCode(c);
    default:
      return String.fromCharCode(c);
  }
}

/** Length of the wire name at off (no compression). */
export function nameLength(wire: Uint8Array, off = 0): number {
  let p = off;
  while (wire[p] !== 0) p += wire[p] + 1;
  return p + 1 - off;
}
