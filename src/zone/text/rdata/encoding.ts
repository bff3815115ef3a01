// Strict base64, hex and base32hex decoders for rdata text (Buffer.from alone ignores bad characters).

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Returns null when not valid base64 (spaces must already be removed). */
export function decodeBase64(s: string): Uint8Array | null {
  if (!BASE64.test(s)) return null;
  return Buffer.from(s, 'base64');
}

/** Returns null when not an even-length run of hex digits. */
export function decodeHex(s: string): Uint8Array | null {
  if (!HEX.test(s)) return null;
  return Buffer.from(s, 'hex');
}

/** RFC 4648 base32 with the extended hex alphabet, no padding (NSEC3 hashed owner). */
export function decodeBase32Hex(s: string): Uint8Array | null {
  const out = new Uint8Array(Math.floor((s.length * 5) / 8));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k) | 0x20;
    let v: number;
    if (c >= 0x30 && c <= 0x39) v = c - 0x30;
    else if (c >= 0x61 && c <= 0x76) v = c - 0x61 + 10;
    else return null;
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  // Leftover bits must be padding zeros and fewer than 5 (lengths 1, 3, 6 mod 8 are impossible).
  if (bits >= 5 || (acc & ((1 << bits) - 1)) !== 0) return null;
  return out;
}
