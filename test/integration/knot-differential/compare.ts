// Differential comparison: build a query, send it to two servers, normalise both answers, list the differences.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

import type { DiffCase, EdnsSpec } from './cases.js';
import { caseId, classNumber, typeNumber, wireName } from './cases.js';

export interface Endpoint {
  host: string;
  port: number;
}

/** What one server did with one query. */
export type Exchange =
  | { kind: 'reply'; raw: Buffer; ms: number }
  | { kind: 'silent'; how: 'timeout' | 'closed' }
  | { kind: 'error'; error: string };

/** One field that differs between the oracle (Knot) and the candidate. */
export interface Difference {
  /** Dotted field path, e.g. `rcode`, `flags.aa`, `answer`, `opt.nsid`, `silence`. */
  field: string;
  knot: string;
  candidate: string;
}

export interface CaseOutcome {
  query: Buffer;
  knot: Exchange;
  candidate: Exchange;
  differences: Difference[];
}

// ---------------------------------------------------------------------------------------------
// Query construction

const OPCODE_SHIFT = 11;

function encodeOpt(edns: EdnsSpec): Buffer {
  const options: Buffer[] = [];
  if (edns.nsid) options.push(Buffer.from([0x00, 0x03, 0x00, 0x00]));
  for (const o of edns.unknownOptions ?? []) {
    const head = Buffer.alloc(4);
    head.writeUInt16BE(o.code, 0);
    head.writeUInt16BE(o.data.length, 2);
    options.push(head, o.data);
  }
  const rdata = Buffer.concat(options);
  const rr = Buffer.alloc(11);
  rr[0] = 0; // root owner
  rr.writeUInt16BE(41, 1);
  rr.writeUInt16BE(edns.udpSize, 3);
  rr[5] = 0; // extended rcode
  rr[6] = edns.version ?? 0;
  rr.writeUInt16BE(edns.do ? 0x8000 : 0, 7);
  rr.writeUInt16BE(rdata.length, 9);
  return Buffer.concat([rr, rdata]);
}

/** The exact bytes sent for a case (before TCP framing). */
export function buildQuery(c: DiffCase): Buffer {
  if (c.raw) return c.raw;
  const id = caseId(c.name);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  let flags = ((c.opcode ?? 0) & 0xf) << OPCODE_SHIFT;
  if (c.flags?.rd) flags |= dnsPacket.RECURSION_DESIRED;
  if (c.flags?.ad) flags |= dnsPacket.AUTHENTIC_DATA;
  if (c.flags?.cd) flags |= dnsPacket.CHECKING_DISABLED;
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(c.edns === 'none' ? 0 : 1, 10);
  // Labels keep their case, which the case-echo cases rely on.
  const qname = wireName(c.qname);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(typeNumber(c.qtype), 0);
  tail.writeUInt16BE(classNumber(c.qclass ?? 'IN'), 2);
  const parts = [header, qname, tail];
  if (c.edns !== 'none') parts.push(encodeOpt(c.edns));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// Clients: one socket per query, always closed, always bounded by a timeout.

export function sendUdp(ep: Endpoint, query: Buffer, timeoutMs: number): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = performance.now();
    const sock = dgram.createSocket('udp4');
    let done = false;
    const finish = (e: Exchange): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      resolve(e);
    };
    const timer = setTimeout(() => finish({ kind: 'silent', how: 'timeout' }), timeoutMs);
    sock.on('message', (msg) => finish({ kind: 'reply', raw: msg, ms: performance.now() - started }));
    sock.on('error', (err) => finish({ kind: 'error', error: `udp: ${err.message}` }));
    sock.connect(ep.port, ep.host, () => sock.send(query));
  });
}

/** RFC 7766 framing: two-byte length, then the message. Reads exactly one reply. */
export function sendTcp(ep: Endpoint, query: Buffer, timeoutMs: number): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = performance.now();
    const sock = net.connect({ host: ep.host, port: ep.port });
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (e: Exchange): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(e);
    };
    const timer = setTimeout(() => finish({ kind: 'silent', how: 'timeout' }), timeoutMs);
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length, 0);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2) {
        const need = buf.readUInt16BE(0);
        if (buf.length >= need + 2) finish({ kind: 'reply', raw: buf.subarray(2, need + 2), ms: performance.now() - started });
      }
    });
    sock.on('end', () => finish({ kind: 'silent', how: 'closed' }));
    sock.on('close', () => finish({ kind: 'silent', how: 'closed' }));
    sock.on('error', (err) => {
      // A reset after the query is the server closing on us: no answer, not a harness failure.
      if ((err as NodeJS.ErrnoException).code === 'ECONNRESET') finish({ kind: 'silent', how: 'closed' });
      else finish({ kind: 'error', error: `tcp: ${err.message}` });
    });
  });
}

export async function exchange(ep: Endpoint, c: DiffCase, query: Buffer, timeoutMs: number): Promise<Exchange> {
  if (c.transport === 'tcp') return sendTcp(ep, query, timeoutMs);
  const first = await sendUdp(ep, query, timeoutMs);
  // Loopback loss is rare but not impossible; one retry keeps a lost datagram from looking like silence.
  if (first.kind === 'silent' && !c.expectSilence) return sendUdp(ep, query, timeoutMs);
  return first;
}

// ---------------------------------------------------------------------------------------------
// Normalisation

export interface OptInfo {
  udpSize: number;
  extRcode: number;
  version: number;
  do: boolean;
  nsid: string | null;
  /** Option codes other than NSID, sorted, e.g. 15 (EDE) with its info code as `15:20`. */
  others: string[];
}

export interface RRset {
  owner: string;
  type: number;
  klass: number;
  ttls: number[];
  rdata: string[];
}

export interface Normalized {
  id: number;
  opcode: number;
  /** Full 12-bit rcode: OPT extended rcode << 4 | header rcode. */
  rcode: number;
  flags: Record<'qr' | 'aa' | 'tc' | 'rd' | 'ra' | 'z' | 'ad' | 'cd', boolean>;
  counts: [number, number, number, number];
  question: string;
  answer: Map<string, RRset>;
  authority: Map<string, RRset>;
  additional: Map<string, RRset>;
  opt: OptInfo | null;
}

/** Reads a possibly compressed name; returns it in presentation form (dots, raw label bytes) and the end offset. */
function readName(buf: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let off = start;
  let end = -1;
  let jumps = 0;
  for (;;) {
    if (off >= buf.length) throw new Error(`name runs past end at ${off}`);
    const len = buf[off];
    if ((len & 0xc0) === 0xc0) {
      if (off + 1 >= buf.length) throw new Error('truncated compression pointer');
      if (end < 0) end = off + 2;
      if (++jumps > 64) throw new Error('compression loop');
      off = ((len & 0x3f) << 8) | buf[off + 1];
      continue;
    }
    if ((len & 0xc0) !== 0) throw new Error(`bad label type 0x${len.toString(16)}`);
    if (len === 0) {
      if (end < 0) end = off + 1;
      break;
    }
    if (off + 1 + len > buf.length) throw new Error('label runs past end');
    labels.push(buf.subarray(off + 1, off + 1 + len).toString('latin1').replace(/[.\\]/g, (m) => `\\${m}`));
    off += 1 + len;
  }
  return { name: labels.length ? `${labels.join('.')}.` : '.', end };
}

const NAME_FIELDS: Record<string, string[]> = {
  NS: [],
  CNAME: [],
  DNAME: [],
  PTR: [],
  MX: ['exchange'],
  SOA: ['mname', 'rname'],
  SRV: ['target'],
  RRSIG: ['signersName'],
  NSEC: ['nextDomain'],
  RP: ['mbox', 'txt'],
  NAPTR: ['replacement'],
};

/** rdata decoded by dns-packet, names lowercased, re-encoded uncompressed; falls back to the raw bytes. */
function canonicalRdata(buf: Buffer, typeNum: number, rdOff: number, rdLen: number): string {
  const typeName = typeString(typeNum);
  const raw = buf.subarray(rdOff, rdOff + rdLen);
  const fields = NAME_FIELDS[typeName];
  try {
    const codec = (dnsPacket as unknown as { record(t: string): { decode(b: Buffer, o: number): unknown; encode(d: unknown): Buffer } }).record(typeName);
    let data = codec.decode(buf, rdOff - 2);
    if (fields) {
      if (fields.length === 0 && typeof data === 'string') data = data.toLowerCase();
      else if (data && typeof data === 'object') {
        const copy = { ...(data as Record<string, unknown>) };
        for (const f of fields) if (typeof copy[f] === 'string') copy[f] = (copy[f] as string).toLowerCase();
        data = copy;
      }
    }
    return codec.encode(data).subarray(2).toString('hex');
  } catch {
    return `raw:${raw.toString('hex')}`;
  }
}

function typeString(n: number): string {
  // dns-packet's own table; unknown types come back as UNKNOWN_<n>, which maps to its opaque codec.
  const known: Record<number, string> = {
    1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 10: 'NULL', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT', 17: 'RP',
    28: 'AAAA', 33: 'SRV', 35: 'NAPTR', 39: 'DNAME', 43: 'DS', 44: 'SSHFP', 46: 'RRSIG', 47: 'NSEC',
    48: 'DNSKEY', 50: 'NSEC3', 52: 'TLSA', 257: 'CAA',
  };
  return known[n] ?? `UNKNOWN_${n}`;
}

/** `at` is the offset of the OPT TYPE field (the owner is the single root byte before it). */
function readOpt(buf: Buffer, at: number, rdOff: number, rdLen: number): OptInfo {
  const udpSize = buf.readUInt16BE(at + 2);
  const extRcode = buf[at + 4];
  const version = buf[at + 5];
  const flags = buf.readUInt16BE(at + 6);
  let nsid: string | null = null;
  const others: string[] = [];
  let p = rdOff;
  while (p + 4 <= rdOff + rdLen) {
    const code = buf.readUInt16BE(p);
    const len = buf.readUInt16BE(p + 2);
    const data = buf.subarray(p + 4, p + 4 + len);
    if (code === 3) nsid = data.toString('hex');
    else if (code === 15 && len >= 2) others.push(`15:${data.readUInt16BE(0)}`);
    else others.push(String(code));
    p += 4 + len;
  }
  others.sort();
  return { udpSize, extRcode, version, do: (flags & 0x8000) !== 0, nsid, others };
}

/** Parses a whole reply; throws with a reason when it is not a well-formed DNS message. */
export function normalize(buf: Buffer): Normalized {
  if (buf.length < 12) throw new Error(`reply of ${buf.length} bytes is shorter than a header`);
  const id = buf.readUInt16BE(0);
  const f = buf.readUInt16BE(2);
  const counts: [number, number, number, number] = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)];
  let off = 12;
  for (let i = 0; i < counts[0]; i++) {
    off = readName(buf, off).end + 4;
    if (off > buf.length) throw new Error('question runs past end');
  }
  const question = buf.subarray(12, off).toString('hex');
  const sections = [new Map<string, RRset>(), new Map<string, RRset>(), new Map<string, RRset>()];
  let opt: OptInfo | null = null;
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]; i++) {
      const { name, end } = readName(buf, off);
      if (end + 10 > buf.length) throw new Error(`RR header runs past end in section ${s + 1}`);
      const type = buf.readUInt16BE(end);
      const klass = buf.readUInt16BE(end + 2);
      const ttl = buf.readUInt32BE(end + 4);
      const rdLen = buf.readUInt16BE(end + 8);
      const rdOff = end + 10;
      if (rdOff + rdLen > buf.length) throw new Error(`rdata runs past end in section ${s + 1}`);
      off = rdOff + rdLen;
      if (type === 41 && s === 2) {
        if (opt) throw new Error('two OPT records');
        if (name !== '.') throw new Error('OPT owner is not the root');
        opt = readOpt(buf, end, rdOff, rdLen);
        continue;
      }
      const owner = name.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
      const key = `${owner} ${typeString(type)} ${klass}`;
      let set = sections[s].get(key);
      if (!set) {
        set = { owner, type, klass, ttls: [], rdata: [] };
        sections[s].set(key, set);
      }
      if (!set.ttls.includes(ttl)) set.ttls.push(ttl);
      set.rdata.push(canonicalRdata(buf, type, rdOff, rdLen));
    }
  }
  if (off !== buf.length) throw new Error(`${buf.length - off} trailing bytes after the last record`);
  for (const m of sections) for (const set of m.values()) { set.rdata.sort(); set.ttls.sort((a, b) => a - b); }
  return {
    id,
    opcode: (f >> 11) & 0xf,
    rcode: (((opt as OptInfo | null)?.extRcode ?? 0) << 4) | (f & 0xf),
    flags: {
      qr: (f & 0x8000) !== 0,
      aa: (f & 0x0400) !== 0,
      tc: (f & 0x0200) !== 0,
      rd: (f & 0x0100) !== 0,
      ra: (f & 0x0080) !== 0,
      z: (f & 0x0040) !== 0,
      ad: (f & 0x0020) !== 0,
      cd: (f & 0x0010) !== 0,
    },
    counts,
    question,
    answer: sections[0],
    authority: sections[1],
    additional: sections[2],
    opt,
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering and diffing

const RCODES: Record<number, string> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 6: 'YXDOMAIN', 9: 'NOTAUTH', 16: 'BADVERS',
};

export function rcodeName(r: number): string {
  return RCODES[r] ?? `RCODE${r}`;
}

function renderSet(set: RRset): string {
  return `${set.owner} ${set.ttls.join('/')} ${set.klass === 1 ? 'IN' : `CLASS${set.klass}`} ${typeString(set.type)} [${set.rdata.join(', ')}]`;
}

export function renderExchange(e: Exchange): string {
  if (e.kind === 'silent') return `(no answer: ${e.how})`;
  if (e.kind === 'error') return `(client error: ${e.error})`;
  let n: Normalized;
  try {
    n = normalize(e.raw);
  } catch (err) {
    return `(unparseable ${e.raw.length} bytes: ${(err as Error).message}) ${e.raw.toString('hex')}`;
  }
  const flags = Object.entries(n.flags).filter(([, v]) => v).map(([k]) => k).join(' ');
  const lines = [`${rcodeName(n.rcode)} opcode=${n.opcode} flags=[${flags}] counts=${n.counts.join('/')} size=${e.raw.length}`];
  for (const s of ['answer', 'authority', 'additional'] as const) for (const set of n[s].values()) lines.push(`  ${s}: ${renderSet(set)}`);
  if (n.opt) lines.push(`  opt: v${n.opt.version} udp=${n.opt.udpSize} do=${n.opt.do} nsid=${n.opt.nsid ?? '-'} other=[${n.opt.others.join(',')}]`);
  return lines.join('\n');
}

function diffSection(name: string, k: Map<string, RRset>, c: Map<string, RRset>, out: Difference[]): void {
  const keys = new Set([...k.keys(), ...c.keys()]);
  for (const key of [...keys].sort()) {
    const a = k.get(key);
    const b = c.get(key);
    const ra = a ? renderSet(a) : '(absent)';
    const rb = b ? renderSet(b) : '(absent)';
    if (ra !== rb) out.push({ field: name, knot: ra, candidate: rb });
  }
}

/** Compares two exchanges for the same query. Empty result = equivalent. */
export function compareExchanges(query: Buffer, knot: Exchange, cand: Exchange, expectSilence: boolean): Difference[] {
  const out: Difference[] = [];
  const label = (e: Exchange): string => (e.kind === 'reply' ? 'reply' : e.kind === 'silent' ? 'silent' : `error: ${e.error}`);
  if (knot.kind === 'error') return [{ field: 'harness', knot: knot.error, candidate: label(cand) }];
  if (cand.kind === 'error') return [{ field: 'transport', knot: label(knot), candidate: cand.error }];
  if (knot.kind !== 'reply' || cand.kind !== 'reply') {
    if (knot.kind !== cand.kind) out.push({ field: 'silence', knot: label(knot), candidate: label(cand) });
    else if (!expectSilence) out.push({ field: 'harness', knot: 'silent although an answer was expected', candidate: 'silent' });
    return out;
  }
  let kn: Normalized;
  try {
    kn = normalize(knot.raw);
  } catch (err) {
    return [{ field: 'harness', knot: `Knot reply unparseable: ${(err as Error).message}`, candidate: '' }];
  }
  let cn: Normalized;
  try {
    cn = normalize(cand.raw);
  } catch (err) {
    return [{ field: 'parse', knot: 'well-formed', candidate: `unparseable: ${(err as Error).message} (${cand.raw.toString('hex')})` }];
  }
  if (query.length >= 2) {
    const qid = query.readUInt16BE(0);
    if (kn.id !== qid) out.push({ field: 'harness', knot: `Knot id ${kn.id} != query id ${qid}`, candidate: '' });
    if (cn.id !== qid) out.push({ field: 'id', knot: String(qid), candidate: String(cn.id) });
  }
  const kr = kn.rcode;
  const cr = cn.rcode;
  if (kr !== cr) out.push({ field: 'rcode', knot: rcodeName(kr), candidate: rcodeName(cr) });
  if (kn.opcode !== cn.opcode) out.push({ field: 'opcode', knot: String(kn.opcode), candidate: String(cn.opcode) });
  for (const f of Object.keys(kn.flags) as (keyof Normalized['flags'])[]) {
    if (kn.flags[f] !== cn.flags[f]) out.push({ field: `flags.${f}`, knot: String(kn.flags[f]), candidate: String(cn.flags[f]) });
  }
  if (kn.question !== cn.question) out.push({ field: 'question', knot: kn.question, candidate: cn.question });
  if (kn.flags.tc && cn.flags.tc) return out; // truncated bodies may legitimately differ
  diffSection('answer', kn.answer, cn.answer, out);
  diffSection('authority', kn.authority, cn.authority, out);
  diffSection('additional', kn.additional, cn.additional, out);
  if (!!kn.opt !== !!cn.opt) {
    out.push({ field: 'opt.present', knot: String(!!kn.opt), candidate: String(!!cn.opt) });
  } else if (kn.opt && cn.opt) {
    if (kn.opt.version !== cn.opt.version) out.push({ field: 'opt.version', knot: String(kn.opt.version), candidate: String(cn.opt.version) });
    if (kn.opt.do !== cn.opt.do) out.push({ field: 'opt.do', knot: String(kn.opt.do), candidate: String(cn.opt.do) });
    if (kn.opt.nsid !== cn.opt.nsid) out.push({ field: 'opt.nsid', knot: kn.opt.nsid ?? '(absent)', candidate: cn.opt.nsid ?? '(absent)' });
    const ko = kn.opt.others.join(',');
    const co = cn.opt.others.join(',');
    if (ko !== co) out.push({ field: 'opt.options', knot: `[${ko}]`, candidate: `[${co}]` });
  }
  return out;
}
