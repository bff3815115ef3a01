// Parses an incoming query into a reusable Query: header, question, EDNS. No allocation per packet.

import { NameKey } from './name-key.js';
import { MAX_NAME_OCTETS, lowerOctet } from './name.js';
import { EDNS_COOKIE, EDNS_EXPIRE, EDNS_NSID, T_OPT } from './constants.js';

export const enum ParseOutcome {
  Ok,
  /** Not answerable at all: shorter than a header, or a response (QR=1); RFC 8906 allows silence here. */
  Drop,
  FormErr,
}

export class Query {
  id = 0;
  flags = 0;
  opcode = 0;
  qdcount = 0;
  /** The question as received, [12, questionEnd): echoed byte for byte so the client's case survives. */
  questionEnd = 12;
  hasQuestion = false;
  readonly qname = new NameKey();
  qtype = 0;
  qclass = 0;
  edns = false;
  ednsVersion = 0;
  udpSize = 0;
  dnssecOk = false;
  nsid = false;
  /** Where the first COOKIE option's data starts in the packet (RFC 7873), or -1; its length in cookieLen. */
  cookieAt = -1;
  cookieLen = 0;
  /** The client sent an EDNS EXPIRE option (RFC 7314). */
  expire = false;
}

/** Reads a possibly compressed name starting at off, returning the offset after it, or -1 if malformed. */
export function skipName(pkt: Uint8Array, len: number, off: number): number {
  let total = 0;
  for (;;) {
    if (off >= len) return -1;
    const b = pkt[off];
    if (b === 0) return off + 1;
    if ((b & 0xc0) === 0xc0) return off + 2 <= len ? off + 2 : -1;
    if (b & 0xc0) return -1; // 0x40 and 0x80 label types are obsolete or unassigned (RFC 6891 section 5)
    total += b + 1;
    if (total > MAX_NAME_OCTETS - 1) return -1;
    off += b + 1;
  }
}

/** Parses the question name (uncompressed: nothing precedes it to point at) into q.qname. */
function readQname(pkt: Uint8Array, len: number, q: Query): number {
  const key = q.qname;
  const out = key.bytes;
  let off = 12;
  let o = 0;
  let n = 0;
  for (;;) {
    if (off >= len) return -1;
    const b = pkt[off++];
    key.labels[n] = o;
    if (b === 0) {
      out[o++] = 0;
      break;
    }
    if (b > 63) return -1; // pointer or reserved label type in a question
    if (o + b + 2 > MAX_NAME_OCTETS || off + b > len) return -1;
    out[o++] = b;
    for (let end = off + b; off < end; off++) out[o++] = lowerOctet(pkt[off]);
    n++;
  }
  key.len = o;
  key.count = n;
  key.computeHashes();
  return off;
}

export function parseQuery(pkt: Uint8Array, len: number, q: Query): ParseOutcome {
  if (len < 12) return ParseOutcome.Drop;
  const flags = (pkt[2] << 8) | pkt[3];
  if (flags & 0x8000) return ParseOutcome.Drop;
  q.id = (pkt[0] << 8) | pkt[1];
  q.flags = flags;
  q.opcode = (flags >> 11) & 0xf;
  q.qdcount = (pkt[4] << 8) | pkt[5];
  q.hasQuestion = false;
  q.questionEnd = 12;
  q.edns = false;
  q.ednsVersion = 0;
  q.udpSize = 0;
  q.dnssecOk = false;
  q.nsid = false;
  q.cookieAt = -1;
  q.cookieLen = 0;
  q.expire = false;
  q.qtype = 0;
  if (q.qdcount > 1) return ParseOutcome.FormErr;
  let off = 12;
  if (q.qdcount === 1) {
    off = readQname(pkt, len, q);
    if (off < 0 || off + 4 > len) return ParseOutcome.FormErr;
    q.qtype = (pkt[off] << 8) | pkt[off + 1];
    q.qclass = (pkt[off + 2] << 8) | pkt[off + 3];
    off += 4;
    q.questionEnd = off;
    q.hasQuestion = true;
  }
  // The rest is read even without a question, so that a FORMERR can still carry EDNS.
  const ancount = (pkt[6] << 8) | pkt[7];
  const nscount = (pkt[8] << 8) | pkt[9];
  const arcount = (pkt[10] << 8) | pkt[11];
  for (let i = 0; i < ancount + nscount + arcount; i++) {
    off = skipName(pkt, len, off);
    if (off < 0 || off + 10 > len) return ParseOutcome.FormErr;
    const type = (pkt[off] << 8) | pkt[off + 1];
    const rdlen = (pkt[off + 8] << 8) | pkt[off + 9];
    const rdata = off + 10;
    if (rdata + rdlen > len) return ParseOutcome.FormErr;
    if (type === T_OPT) {
      // RFC 6891 section 6.1.1: at most one OPT, in the additional section. Its owner should be the root,
      // but like Knot we do not fail a query over that.
      if (q.edns || i < ancount + nscount) return failEdns(q);
      if (!readOpt(pkt, off, rdata, rdlen, q)) return failEdns(q);
    }
    off = rdata + rdlen;
  }
  // Trailing octets after the last record mean the counts are wrong (as Knot judges too).
  if (off !== len) return ParseOutcome.FormErr;
  // Without a question only a QUERY is malformed; an unknown opcode still gets its NOTIMP (RFC 8906 section 3.1.4).
  if (!q.hasQuestion && q.opcode === 0) return ParseOutcome.FormErr;
  return ParseOutcome.Ok;
}

/** RFC 6891 section 7: a malformed OPT gets a FORMERR without an OPT. */
function failEdns(q: Query): ParseOutcome {
  q.edns = false;
  return ParseOutcome.FormErr;
}

function readOpt(pkt: Uint8Array, off: number, rdata: number, rdlen: number, q: Query): boolean {
  q.edns = true;
  q.udpSize = (pkt[off + 2] << 8) | pkt[off + 3];
  q.ednsVersion = pkt[off + 5];
  q.dnssecOk = (pkt[off + 6] & 0x80) !== 0;
  for (let p = rdata, end = rdata + rdlen; p < end; ) {
    if (p + 4 > end) return false;
    const code = (pkt[p] << 8) | pkt[p + 1];
    const olen = (pkt[p + 2] << 8) | pkt[p + 3];
    p += 4 + olen;
    if (p > end) return false;
    if (code === EDNS_NSID) q.nsid = true;
    else if (code === EDNS_COOKIE && q.cookieAt < 0) {
      q.cookieAt = p - olen;
      q.cookieLen = olen;
    } else if (code === EDNS_EXPIRE) q.expire = true;
  }
  return true;
}
