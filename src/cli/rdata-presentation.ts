// Records decoded by dns-packet printed in zone-file presentation form, as dig and kdig print them: names fully qualified.

import type dnsPacket from 'dns-packet';

/** A name as dns-packet decodes it ("a.example", "." for the root) with the trailing dot. */
export function fqdn(name: string): string {
  return name === '' || name === '.' ? '.' : `${name}.`;
}

/** One character-string, quoted, with '"', '\' and bytes outside printable ASCII escaped (RFC 1035 §5.1). */
export function quoted(bytes: Uint8Array | string): string {
  const b = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  let out = '"';
  for (const c of b) {
    if (c === 0x22 || c === 0x5c) out += `\\${String.fromCharCode(c)}`;
    else if (c < 0x20 || c > 0x7e) out += `\\${String(c).padStart(3, '0')}`;
    else out += String.fromCharCode(c);
  }
  return `${out}"`;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();
const base64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** RFC 4648 base32hex without padding, as NSEC3 next-hashed-owner names are written (RFC 5155 §3.3). */
export function base32hex(b: Uint8Array): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUV';
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of b) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** RRSIG times as YYYYMMDDHHmmSS in UTC (RFC 4034 §3.2). */
function sigTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** RFC 3597 generic form, for types this printer does not know. */
const generic = (b: Uint8Array) => (b.length === 0 ? '\\# 0' : `\\# ${b.length} ${hex(b)}`);

type Data = Record<string, unknown>;
const PRINTERS: Record<string, (d: Data) => string> = {
  NS: (d) => fqdn(d as unknown as string),
  CNAME: (d) => fqdn(d as unknown as string),
  DNAME: (d) => fqdn(d as unknown as string),
  PTR: (d) => fqdn(d as unknown as string),
  A: (d) => String(d),
  AAAA: (d) => String(d),
  MX: (d) => `${d.preference} ${fqdn(d.exchange as string)}`,
  SOA: (d) => `${fqdn(d.mname as string)} ${fqdn(d.rname as string)} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`,
  SRV: (d) => `${d.priority} ${d.weight} ${d.port} ${fqdn(d.target as string)}`,
  NAPTR: (d) => `${d.order} ${d.preference} ${quoted(d.flags as string)} ${quoted(d.services as string)} ${quoted(d.regexp as string)} ${fqdn(d.replacement as string)}`,
  RP: (d) => `${fqdn(d.mbox as string)} ${fqdn(d.txt as string)}`,
  TXT: (d) => (d as unknown as Uint8Array[]).map(quoted).join(' '),
  HINFO: (d) => `${quoted(d.cpu as string)} ${quoted(d.os as string)}`,
  CAA: (d) => `${d.flags} ${d.tag} ${quoted(d.value as string)}`,
  RRSIG: (d) => `${d.typeCovered} ${d.algorithm} ${d.labels} ${d.originalTTL} ${sigTime(d.expiration as number)} ${sigTime(d.inception as number)} ${d.keyTag} ${fqdn(d.signersName as string)} ${base64(d.signature as Uint8Array)}`,
  NSEC: (d) => [fqdn(d.nextDomain as string), ...(d.rrtypes as string[])].join(' '),
  NSEC3: (d) => {
    const salt = d.salt as Uint8Array;
    return [d.algorithm, d.flags, d.iterations, salt.length ? hex(salt) : '-', base32hex(d.nextDomain as Uint8Array), ...(d.rrtypes as string[])].join(' ');
  },
  DS: (d) => `${d.keyTag} ${d.algorithm} ${d.digestType} ${hex(d.digest as Uint8Array)}`,
  DNSKEY: (d) => `${d.flags} 3 ${d.algorithm} ${base64(d.key as Uint8Array)}`,
  TLSA: (d) => `${d.usage} ${d.selector} ${d.matchingType} ${hex(d.certificate as Uint8Array)}`,
  SSHFP: (d) => `${d.algorithm} ${d.hash} ${String(d.fingerprint).toUpperCase()}`,
};

/** Type numbers dns-packet has no name for ("UNKNOWN_64"), named as zone files name them. */
const UNNAMED: Record<number, string> = { 64: 'SVCB', 65: 'HTTPS' };

export function typeName(type: string): string {
  const m = /^UNKNOWN_(\d+)$/.exec(type);
  if (!m) return type;
  return UNNAMED[Number(m[1])] ?? `TYPE${m[1]}`;
}

export function rdataText(rr: dnsPacket.Answer): string {
  const data = (rr as { data?: unknown }).data;
  const type = typeName(rr.type);
  if (type === 'SVCB' || type === 'HTTPS') return svcbText(data as Uint8Array);
  const printer = PRINTERS[type];
  if (printer && data !== undefined && !(Buffer.isBuffer(data) && type !== 'TXT')) return printer(data as Data);
  return Buffer.isBuffer(data) ? generic(data) : String(data ?? '');
}

/** One answer line: owner, TTL, class, type, rdata, tab separated like dig. */
export function recordLine(rr: dnsPacket.Answer): string {
  const r = rr as { name: string; ttl?: number; class?: string; type: string };
  return `${fqdn(r.name)}\t${r.ttl ?? 0}\t${r.class ?? 'IN'}\t${typeName(r.type)}\t${rdataText(rr)}`;
}

// SVCB and HTTPS (RFC 9460): dns-packet leaves their rdata as bytes. -----------------------------

const SVC_KEYS = ['mandatory', 'alpn', 'no-default-alpn', 'port', 'ipv4hint', 'ech', 'ipv6hint'];
const keyName = (k: number) => SVC_KEYS[k] ?? `key${k}`;

/** An uncompressed wire name (RFC 9460 §2.2 forbids compression here) and the offset after it. */
function wireName(b: Uint8Array, at: number): [string, number] {
  const labels: string[] = [];
  for (;;) {
    if (at >= b.length) throw new Error('truncated name');
    const len = b[at++];
    if (len === 0) break;
    if (len > 63 || at + len > b.length) throw new Error('bad label');
    let label = '';
    for (const c of b.subarray(at, at + len)) {
      if (c === 0x2e || c === 0x5c) label += `\\${String.fromCharCode(c)}`;
      else if (c <= 0x20 || c > 0x7e) label += `\\${String(c).padStart(3, '0')}`;
      else label += String.fromCharCode(c);
    }
    labels.push(label);
    at += len;
  }
  return [labels.length ? `${labels.join('.')}.` : '.', at];
}

function ipv6(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
  // The longest run of zero groups (two or more) becomes "::" (RFC 5952 §4.2).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function svcValue(key: number, v: Uint8Array): string {
  const chunks = (size: number) => Array.from({ length: v.length / size }, (_, i) => v.subarray(i * size, i * size + size));
  switch (key) {
    case 0: return chunks(2).map((c) => keyName((c[0] << 8) | c[1])).join(',');
    case 1: {
      const ids: string[] = [];
      for (let at = 0; at < v.length; at += 1 + v[at]) {
        ids.push(quoted(v.subarray(at + 1, at + 1 + v[at])).slice(1, -1).replace(/[,\\]/g, (c) => `\\${c}`));
      }
      return ids.join(',');
    }
    case 3: return String((v[0] << 8) | v[1]);
    case 4: return chunks(4).map((c) => c.join('.')).join(',');
    case 5: return base64(v);
    case 6: return chunks(16).map(ipv6).join(',');
    default: return quoted(v);
  }
}

export function svcbText(b: Uint8Array): string {
  try {
    const priority = (b[0] << 8) | b[1];
    const [target, afterTarget] = wireName(b, 2);
    let at = afterTarget;
    const params: string[] = [];
    while (at < b.length) {
      const key = (b[at] << 8) | b[at + 1];
      const len = (b[at + 2] << 8) | b[at + 3];
      const value = b.subarray(at + 4, at + 4 + len);
      if (value.length !== len) throw new Error('truncated parameter');
      params.push(len === 0 && key === 2 ? keyName(key) : `${keyName(key)}=${svcValue(key, value)}`);
      at += 4 + len;
    }
    return [priority, target, ...params].join(' ');
  } catch {
    return generic(b);
  }
}
