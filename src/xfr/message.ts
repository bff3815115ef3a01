// A strict reader for whole DNS messages as a transfer client and TSIG see them: every RR with its offsets,
// names decompressed (owners and the RFC 3597 section 4 rdata names), anything malformed rejected.

export class MessageError extends Error {}

export interface WireRR {
  /** Uncompressed wire name, as sent (case kept). */
  name: Uint8Array;
  type: number;
  class: number;
  ttl: number;
  /** Rdata with any compressed names expanded, so it can be written out or compared on its own. */
  rdata: Uint8Array;
  /** Offsets of the RR in the message: TSIG verification strips it by these. */
  start: number;
  end: number;
}

export interface WireMessage {
  id: number;
  flags: number;
  opcode: number;
  rcode: number;
  question: { name: Uint8Array; type: number; class: number } | null;
  answers: WireRR[];
  authority: WireRR[];
  additional: WireRR[];
}

/** Rdata layouts with names that a sender may compress (RFC 3597 section 4): 'n' name, digits skip fixed octets. */
const NAMED_RDATA = new Map<number, (string | number)[]>([
  [2, ['n']], [3, ['n']], [4, ['n']], [5, ['n']], [7, ['n']], [8, ['n']], [9, ['n']], [12, ['n']], [39, ['n']],
  [6, ['n', 'n', 20]], [14, ['n', 'n']], [17, ['n', 'n']],
  [15, [2, 'n']], [18, [2, 'n']], [21, [2, 'n']], [36, [2, 'n']], [26, [2, 'n', 'n']],
  [33, [6, 'n']],
]);

/**
 * Names and rdata of transferred records are copied into shared 64 KiB slabs, not one ArrayBuffer each: a
 * 1.22M-record AXFR made millions of small buffers, and the GC pauses that followed let Knot time the transfer out.
 * Slices are never written to after they are handed out.
 */
const SLAB = 65536;
let slab = new Uint8Array(SLAB);
let slabPos = 0;
function keep(src: Uint8Array, from: number, to: number): Uint8Array {
  const n = to - from;
  if (n > SLAB / 4) return src.slice(from, to);
  if (slabPos + n > SLAB) {
    slab = new Uint8Array(SLAB);
    slabPos = 0;
  }
  const out = slab.subarray(slabPos, slabPos + n);
  out.set(src.subarray(from, to));
  slabPos += n;
  return out;
}

const nameScratch = new Uint8Array(256);
const partsScratch = new Uint8Array(65535 + 1024);

/** Reads the name at off (following pointers) into nameScratch; returns its length and the offset after it. */
function readNameInto(buf: Uint8Array, off: number, into: Uint8Array, at: number): { len: number; next: number } {
  let o = at;
  let p = off;
  let next = -1;
  let jumps = 0;
  for (;;) {
    if (p >= buf.length) throw new MessageError('name runs past the end of the message');
    const len = buf[p];
    if ((len & 0xc0) === 0xc0) {
      if (p + 1 >= buf.length) throw new MessageError('truncated compression pointer');
      if (next < 0) next = p + 2;
      const target = ((len & 0x3f) << 8) | buf[p + 1];
      // A pointer must go backwards; this also rules out loops.
      if (target >= p || ++jumps > 127) throw new MessageError('bad compression pointer');
      p = target;
      continue;
    }
    if (len & 0xc0) throw new MessageError('bad label type');
    if (p + 1 + len > buf.length) throw new MessageError('label runs past the end of the message');
    if (o - at + len + 1 > 255) throw new MessageError('name longer than 255 octets');
    into.set(buf.subarray(p, p + len + 1), o);
    o += len + 1;
    p += len + 1;
    if (len === 0) break;
  }
  return { len: o - at, next: next < 0 ? p : next };
}

/** Reads the name at off (following pointers), returns the uncompressed wire name and the offset after it. */
export function readName(buf: Uint8Array, off: number): { name: Uint8Array; next: number } {
  const { len, next } = readNameInto(buf, off, nameScratch, 0);
  return { name: keep(nameScratch, 0, len), next };
}

function expandRdata(buf: Uint8Array, type: number, start: number, end: number): Uint8Array {
  const layout = NAMED_RDATA.get(type);
  if (!layout) return keep(buf, start, end);
  let o = 0;
  let p = start;
  for (const step of layout) {
    if (typeof step === 'string') {
      const { len, next } = readNameInto(buf, p, partsScratch, o);
      if (next > end) throw new MessageError(`type ${type} rdata: name runs past RDLENGTH`);
      o += len;
      p = next;
    } else {
      if (p + step > end) throw new MessageError(`type ${type} rdata too short`);
      partsScratch.set(buf.subarray(p, p + step), o);
      o += step;
      p += step;
    }
  }
  if (p !== end) throw new MessageError(`type ${type} rdata: ${end - p} stray octets after the fields`);
  return keep(partsScratch, 0, o);
}

/** Parses a whole message; throws MessageError on anything malformed or trailing. */
export function parseMessage(buf: Uint8Array): WireMessage {
  if (buf.length < 12) throw new MessageError(`message of ${buf.length} octets is shorter than a header`);
  const u16 = (o: number) => (buf[o] << 8) | buf[o + 1];
  const flags = u16(2);
  const counts = [u16(4), u16(6), u16(8), u16(10)];
  if (counts[0] > 1) throw new MessageError(`QDCOUNT ${counts[0]}`);
  let p = 12;
  let question: WireMessage['question'] = null;
  if (counts[0] === 1) {
    const { name, next } = readName(buf, p);
    if (next + 4 > buf.length) throw new MessageError('truncated question');
    question = { name, type: u16(next), class: u16(next + 2) };
    p = next + 4;
  }
  const sections: WireRR[][] = [[], [], []];
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]; i++) {
      const start = p;
      const { name, next } = readName(buf, p);
      if (next + 10 > buf.length) throw new MessageError('truncated resource record');
      const type = u16(next);
      const rdlen = u16(next + 8);
      const rdStart = next + 10;
      if (rdStart + rdlen > buf.length) throw new MessageError('rdata runs past the end of the message');
      const ttl = ((buf[next + 4] << 24) | (buf[next + 5] << 16) | (buf[next + 6] << 8) | buf[next + 7]) >>> 0;
      const rdata = expandRdata(buf, type, rdStart, rdStart + rdlen);
      p = rdStart + rdlen;
      sections[s].push({ name, type, class: u16(next + 2), ttl, rdata, start, end: p });
    }
  }
  if (p !== buf.length) throw new MessageError(`${buf.length - p} octets after the last record`);
  return {
    id: u16(0), flags, opcode: (flags >> 11) & 0xf, rcode: flags & 0xf, question,
    answers: sections[0], authority: sections[1], additional: sections[2],
  };
}

/** Case-insensitive equality of two uncompressed wire names. */
export function sameName(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a[i];
    let y = b[i];
    if (x >= 0x41 && x <= 0x5a) x |= 0x20;
    if (y >= 0x41 && y <= 0x5a) y |= 0x20;
    if (x !== y) return false;
  }
  return true;
}

export function lowerName(a: Uint8Array): Uint8Array {
  return a.map((x) => (x >= 0x41 && x <= 0x5a ? x | 0x20 : x));
}

/** SOA rdata (uncompressed): the five counters after the two names. */
export function soaTimers(rdata: Uint8Array): { serial: number; refresh: number; retry: number; expire: number; minimum: number } {
  let p = 0;
  for (let n = 0; n < 2; n++) {
    while (p < rdata.length && rdata[p] !== 0) p += rdata[p] + 1;
    p++;
  }
  if (p + 20 !== rdata.length) throw new MessageError('malformed SOA rdata');
  const v = new DataView(rdata.buffer, rdata.byteOffset + p, 20);
  return { serial: v.getUint32(0), refresh: v.getUint32(4), retry: v.getUint32(8), expire: v.getUint32(12), minimum: v.getUint32(16) };
}
