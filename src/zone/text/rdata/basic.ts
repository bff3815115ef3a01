// Text -> wire rdata for the RFC 1035 era types and their close relatives (A, NS, MX, TXT, SOA, SRV, CAA, ...).

import { TOK_QUOTED } from '../lexer.js';
import { parseIpv4, parseIpv6 } from './ip.js';
import type { RdataReader } from './reader.js';

// Hand encoders for the hot types: dns-packet's take strings, so using them would force a substring
// per token; the unit tests compare every one of these with dns-packet's output.

export function encodeA(r: RdataReader): void {
  const i = r.need('IPv4 address');
  const lx = r.lx;
  if (!parseIpv4(lx.buf, lx.starts[i], lx.ends[i], r.out, r.off)) r.fail(`bad IPv4 address "${lx.text(i)}"`, i);
  r.off += 4;
}

export function encodeAaaa(r: RdataReader): void {
  const i = r.need('IPv6 address');
  const lx = r.lx;
  if (!parseIpv6(lx.buf, lx.starts[i], lx.ends[i], r.out, r.off)) r.fail(`bad IPv6 address "${lx.text(i)}"`, i);
  r.off += 16;
}

/** NS, CNAME, PTR, DNAME: dns-packet's name encoder cannot do escapes, so names are always ours. */
export function encodeNameOnly(r: RdataReader): void {
  r.name('target name');
}

export function encodeMx(r: RdataReader): void {
  r.u16('preference');
  r.name('exchange');
}

export function encodeTxt(r: RdataReader): void {
  if (!r.more()) r.need('text');
  while (r.more()) r.splitString(r.i++);
}

export function encodeSoa(r: RdataReader): void {
  r.name('primary server name');
  r.name('mailbox name');
  r.u32('serial');
  r.ttl('refresh');
  r.ttl('retry');
  r.ttl('expire');
  r.ttl('minimum');
}

export function encodeSrv(r: RdataReader): void {
  r.u16('priority');
  r.u16('weight');
  r.u16('port');
  r.name('target');
}

export function encodeHinfo(r: RdataReader): void {
  r.charString('CPU');
  r.charString('OS');
}

export function encodeNaptr(r: RdataReader): void {
  r.u16('order');
  r.u16('preference');
  r.charString('flags');
  r.charString('services');
  r.charString('regexp');
  r.name('replacement');
}

/** Own encoder: dns-packet writes the CAA value as a UTF-8 string, so escaped octets would change. */
export function encodeCaa(r: RdataReader): void {
  r.u8('flags');
  const t = r.need('tag');
  const lx = r.lx;
  const s = lx.starts[t];
  const e = lx.ends[t];
  if (e === s || e - s > 255 || (lx.flags[t] & TOK_QUOTED) !== 0) r.fail(`CAA record: bad tag "${lx.text(t)}"`, t);
  for (let p = s; p < e; p++) {
    const c = lx.buf[p] | 0x20;
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39))) r.fail(`CAA record: bad tag "${lx.text(t)}"`, t);
  }
  r.out[r.off++] = e - s;
  r.raw(t);
  r.raw(r.need('value'));
}
