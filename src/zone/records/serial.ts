// SOA serial comparison by RFC 1982 serial number arithmetic (SERIAL_BITS = 32), named to read left to right.

const HALF = 0x80000000;

/** `a` is newer than `b`: `a` lies less than 2^31 ahead of `b`, counting round the 2^32 wrap (RFC 1982 §3.2). */
export function serialGreater(a: number, b: number): boolean {
  const ahead = (a - b) >>> 0;
  return ahead !== 0 && ahead < HALF;
}

/** `a` is older than `b`. Two serials exactly 2^31 apart are neither older nor newer: RFC 1982 leaves that undefined. */
export function serialLess(a: number, b: number): boolean {
  return serialGreater(b, a);
}
