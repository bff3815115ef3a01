// Text -> wire rdata for DNSSEC and key-material types (DS, DNSKEY, RRSIG, NSEC, NSEC3, NSEC3PARAM, TLSA, SSHFP).

import { createRequire } from 'node:module';
import { decodeBase32Hex, decodeBase64, decodeHex } from './encoding.js';
import type { RdataReader } from './reader.js';
import { typeFromText } from './types.js';

interface Codec {
  encode(data: unknown): Buffer;
}
// @types/dns-packet does not declare the per-type codecs, so load them untyped.
const dp = createRequire(import.meta.url)('dns-packet') as Record<string, Codec>;

/** Appends dns-packet's rdata for data, minus the RDLENGTH prefix it always writes. */
function viaPacket(r: RdataReader, codec: Codec, data: unknown): void {
  r.bytes(codec.encode(data).subarray(2));
}

function hexRest(r: RdataReader, what: string, allowEmpty = false): Buffer {
  const first = r.i;
  const s = r.restText();
  if (s === '' && !allowEmpty) r.need(what);
  const b = decodeHex(s);
  if (b === null) r.fail(`${r.typeName} record: bad hex in ${what}`, first);
  return Buffer.from(b.buffer, b.byteOffset, b.length);
}

function base64Rest(r: RdataReader, what: string): Buffer {
  const first = r.i;
  const s = r.restText();
  if (s === '') r.need(what);
  const b = decodeBase64(s);
  if (b === null) r.fail(`${r.typeName} record: bad base64 in ${what}`, first);
  return Buffer.from(b.buffer, b.byteOffset, b.length);
}

export function encodeDs(r: RdataReader): void {
  const keyTag = r.num('key tag', 0xffff);
  const algorithm = r.num('algorithm', 0xff);
  const digestType = r.num('digest type', 0xff);
  viaPacket(r, dp.ds, { keyTag, algorithm, digestType, digest: hexRest(r, 'digest') });
}

export function encodeDnskey(r: RdataReader): void {
  const flags = r.num('flags', 0xffff);
  const protocol = r.num('protocol', 0xff);
  const algorithm = r.num('algorithm', 0xff);
  const key = base64Rest(r, 'public key');
  if (protocol === 3) return viaPacket(r, dp.dnskey, { flags, algorithm, key });
  // dns-packet always writes protocol 3; keep the value as written, as Knot does.
  const o = r.out;
  o[r.off++] = flags >>> 8;
  o[r.off++] = flags & 0xff;
  o[r.off++] = protocol;
  o[r.off++] = algorithm;
  r.bytes(key);
}

/** RRSIG times: YYYYMMDDHHmmSS (UTC, wrapping modulo 2^32 per RFC 4034 3.1.5) or plain seconds. */
function sigTime(r: RdataReader, what: string): void {
  const i = r.need(what);
  const t = r.lx.text(i);
  let v = -1;
  if (/^[0-9]{14}$/.test(t)) {
    const [y, mo, d, h, mi, s] = [t.slice(0, 4), t.slice(4, 6), t.slice(6, 8), t.slice(8, 10), t.slice(10, 12), t.slice(12, 14)].map(Number);
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    const back = new Date(ms);
    if (back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && h < 24 && mi < 60 && s < 60) v = (ms / 1000) % 2 ** 32;
  } else if (/^[0-9]{1,10}$/.test(t) && Number(t) <= 0xffffffff) {
    v = Number(t);
  }
  if (v < 0) r.fail(`RRSIG record: bad ${what} "${t}"`, i);
  r.put32(v);
}

export function encodeRrsig(r: RdataReader): void {
  const i = r.need('type covered');
  const covered = typeFromText(r.lx.text(i));
  if (covered < 0) r.fail(`RRSIG record: unknown type covered "${r.lx.text(i)}"`, i);
  r.out[r.off++] = covered >>> 8;
  r.out[r.off++] = covered & 0xff;
  r.u8('algorithm');
  r.u8('labels');
  r.u32('original TTL'); // Knot takes no unit suffixes here
  sigTime(r, 'signature expiration');
  sigTime(r, 'signature inception');
  r.u16('key tag');
  r.name("signer's name");
  r.bytes(base64Rest(r, 'signature'));
}

/** Reads the remaining tokens as RR types; returns them as numbers. */
function typeList(r: RdataReader): number[] {
  const list: number[] = [];
  while (r.more()) {
    const i = r.i++;
    const t = typeFromText(r.lx.text(i));
    if (t < 0) r.fail(`${r.typeName} record: unknown type "${r.lx.text(i)}" in type bitmap`, i);
    list.push(t);
  }
  return list;
}

/** RFC 4034 4.1.2 window blocks; written here because NSEC's name must come from our own encoder. */
function writeBitmap(r: RdataReader, types: number[]): void {
  const windows: (Uint8Array | undefined)[] = [];
  for (const t of types) {
    const w = (windows[t >> 8] ??= new Uint8Array(32));
    w[(t & 0xff) >> 3] |= 0x80 >> (t & 7);
  }
  windows.forEach((w, n) => {
    if (w === undefined) return;
    let len = 32;
    while (w[len - 1] === 0) len--;
    r.out[r.off++] = n;
    r.out[r.off++] = len;
    r.bytes(w.subarray(0, len));
  });
}

export function encodeNsec(r: RdataReader): void {
  r.name('next domain name');
  writeBitmap(r, typeList(r));
}

function salt(r: RdataReader): Buffer {
  const i = r.need('salt');
  const t = r.lx.text(i);
  if (t === '-') return Buffer.alloc(0);
  const b = decodeHex(t);
  if (b === null || b.length === 0 || b.length > 255) r.fail(`${r.typeName} record: bad salt "${t}"`, i);
  return Buffer.from(b);
}

export function encodeNsec3(r: RdataReader): void {
  const algorithm = r.num('hash algorithm', 0xff);
  const flags = r.num('flags', 0xff);
  const iterations = r.num('iterations', 0xffff);
  const s = salt(r);
  const i = r.need('next hashed owner name');
  const next = decodeBase32Hex(r.lx.text(i));
  if (next === null || next.length === 0 || next.length > 255) {
    r.fail(`NSEC3 record: bad base32hex next hashed owner name "${r.lx.text(i)}"`, i);
  }
  // dns-packet maps unknown mnemonics to type 0; UNKNOWN_n is the spelling it parses back to n.
  const rrtypes = typeList(r).map((t) => `UNKNOWN_${t}`);
  viaPacket(r, dp.nsec3, { algorithm, flags, iterations, salt: s, nextDomain: Buffer.from(next), rrtypes });
}

/** Own encoder: dns-packet has no NSEC3PARAM codec. */
export function encodeNsec3param(r: RdataReader): void {
  r.u8('hash algorithm');
  r.u8('flags');
  r.u16('iterations');
  const s = salt(r);
  r.out[r.off++] = s.length;
  r.bytes(s);
}

export function encodeTlsa(r: RdataReader): void {
  const usage = r.num('certificate usage', 0xff);
  const selector = r.num('selector', 0xff);
  const matchingType = r.num('matching type', 0xff);
  viaPacket(r, dp.tlsa, { usage, selector, matchingType, certificate: hexRest(r, 'certificate association data') });
}

export function encodeSshfp(r: RdataReader): void {
  const algorithm = r.num('algorithm', 0xff);
  const hash = r.num('fingerprint type', 0xff);
  const fp = hexRest(r, 'fingerprint');
  // dns-packet only accepts SHA-1/SHA-256 fingerprints of the matching length; other cases are ours.
  if ((hash === 1 && fp.length === 20) || (hash === 2 && fp.length === 32)) {
    return viaPacket(r, dp.sshfp, { algorithm, hash, fingerprint: fp.toString('hex') });
  }
  r.out[r.off++] = algorithm;
  r.out[r.off++] = hash;
  r.bytes(fp);
}
