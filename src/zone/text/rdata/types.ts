// RR type mnemonics <-> numbers, including TYPEnnn (RFC 3597), for record types and NSEC bitmaps.

import { createRequire } from 'node:module';

/** Types this parser can encode from presentation form. */
export const TYPE = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, AAAA: 28, SRV: 33, NAPTR: 35,
  DNAME: 39, DS: 43, SSHFP: 44, RRSIG: 46, NSEC: 47, DNSKEY: 48, NSEC3: 50, NSEC3PARAM: 51, TLSA: 52,
  SVCB: 64, HTTPS: 65, CAA: 257,
} as const;

const byName = new Map<string, number>(Object.entries(TYPE));
const byNumber = new Map<number, string>(Object.entries(TYPE).map(([k, v]) => [v, k]));

// dns-packet's type table (CommonJS, untyped) supplies the mnemonics we have no encoder for (LOC, SPF, ...).
const packetTypes = createRequire(import.meta.url)('dns-packet/types') as {
  toType(name: string): number;
  toString(type: number): string;
};
const META = new Set([0, 41, 251, 252, 255]);

/** Type number for a mnemonic or TYPEnnn (case-insensitive), or -1. */
export function typeFromText(text: string): number {
  const u = text.toUpperCase();
  const known = byName.get(u);
  if (known !== undefined) return known;
  if (u.startsWith('TYPE') && u.length > 4 && u.length <= 9) {
    const digits = u.slice(4);
    if (!/^[0-9]+$/.test(digits)) return -1;
    const n = Number(digits);
    return n <= 65535 ? n : -1;
  }
  if (u.startsWith('UNKNOWN_')) return -1;
  const n = packetTypes.toType(u);
  return META.has(n) ? -1 : n;
}

export function typeToText(type: number): string {
  const own = byNumber.get(type);
  if (own !== undefined) return own;
  const p = packetTypes.toString(type);
  return p.startsWith('UNKNOWN') ? `TYPE${type}` : p;
}
