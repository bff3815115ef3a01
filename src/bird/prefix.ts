// Validates and normalises the anycast prefixes (IPv4/IPv6 CIDR) before they are written into BIRD config text.

import { isIPv4, isIPv6 } from 'node:net';

export interface AnycastPrefix {
  family: 4 | 6;
  /** Canonical text, e.g. 192.0.2.1/32 or 2001:db8::1/128; safe to paste into BIRD config. */
  cidr: string;
}

export class PrefixError extends Error {
  override readonly name = 'PrefixError';
  constructor(readonly input: string, reason: string) {
    super(`invalid anycast prefix "${printable(input)}": ${reason}`);
  }
}

/** Parses "ADDR/LEN"; the address must have no bits set past LEN (BIRD rejects such routes). */
export function parsePrefix(input: string): AnycastPrefix {
  const text = input.trim();
  const slash = text.indexOf('/');
  if (slash < 0) throw new PrefixError(input, 'expected ADDRESS/LENGTH, e.g. 192.0.2.1/32');
  const addr = text.slice(0, slash);
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) throw new PrefixError(input, 'prefix length must be a number');
  const len = Number(lenText);
  if (isIPv4(addr)) {
    if (len > 32) throw new PrefixError(input, 'IPv4 prefix length must be 0..32');
    const bytes = addr.split('.').map(Number);
    checkHostBits(input, bytes, len);
    return { family: 4, cidr: `${bytes.join('.')}/${len}` };
  }
  if (isIPv6(addr) && !addr.includes('%')) {
    if (len > 128) throw new PrefixError(input, 'IPv6 prefix length must be 0..128');
    // The URL parser prints IPv6 in its RFC 5952 form (lower case, :: compression, no dotted quad).
    const canonical = new URL(`http://[${addr}]/`).hostname.slice(1, -1);
    checkHostBits(input, ipv6Bytes(canonical), len);
    return { family: 6, cidr: `${canonical}/${len}` };
  }
  throw new PrefixError(input, 'not an IPv4 or IPv6 address');
}

/** Parses, de-duplicates (by canonical form) and keeps the given order. */
export function parsePrefixes(inputs: readonly string[]): AnycastPrefix[] {
  const seen = new Set<string>();
  const out: AnycastPrefix[] = [];
  for (const input of inputs) {
    const p = parsePrefix(input);
    if (seen.has(p.cidr)) continue;
    seen.add(p.cidr);
    out.push(p);
  }
  return out;
}

function ipv6Bytes(canonical: string): number[] {
  const [head, tail] = canonical.includes('::') ? canonical.split('::') : [canonical, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.flatMap((g) => {
    const v = parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
}

function checkHostBits(input: string, bytes: number[], len: number): void {
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, len - i * 8));
    const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    if ((bytes[i] & ~mask & 0xff) !== 0) throw new PrefixError(input, `address has bits set beyond /${len}`);
  }
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
}
