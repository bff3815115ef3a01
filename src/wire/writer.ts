// Builds a response in one preallocated buffer: header, echoed question, RRs copied from compiled RRsets, OPT.

import { lowerOctet } from './name.js';
import { copyBytes } from './bytes.js';
import type { Query } from './query.js';
import { C_IN, EDE_NOT_AUTHORITATIVE, EDNS_COOKIE, EDNS_EDE, EDNS_EXPIRE, EDNS_NSID, RCODE_REFUSED, T_CNAME, T_MX, T_NS, T_OPT, T_PTR, T_SOA } from './constants.js';
import {
  type CompiledZone, findSignatures, nodeNameOff, rrsetDataEnd, rrsetDataOff, rrsetTtl, rrsetType,
} from '../zone/compiled/compiled.js';

export const enum Section {
  Answer = 0,
  Authority = 1,
  Additional = 2,
}

const MAX_COMPRESSION_ENTRIES = 128;
/** Room for one RR's fixed part and an uncompressed owner beyond the rdata itself. */
const RR_OVERHEAD = 10 + 256;
/** OPT RR without options: root owner (1), TYPE, CLASS, TTL, RDLENGTH (10). */
const OPT_FIXED = 11;
/** An EDNS option's code and length fields. */
const OPTION_HEADER = 4;

export class ResponseWriter {
  readonly buf = new Uint8Array(65535 + 2048);
  pos = 0;
  /** Where the last name written by writeName started: lets a CNAME target be pointed at by the next hop. */
  lastNameAt = 0;
  private limit = 512;
  private readonly counts = new Int32Array(3);
  private readonly suffixes = new Int32Array(MAX_COMPRESSION_ENTRIES);
  private suffixCount = 0;
  private aa = false;
  private tc = false;
  private rcode = 0;
  private flags = 0;
  private optSize = 0;
  private questionPresent = false;
  /** Extended DNS error to attach, or -1. Only set on answers without data, so it needs no reserved space. */
  private ede = -1;
  /** The UDP payload size this server advertises in its OPT (RFC 6891 section 6.2.5). */
  advertisedSize = 1232;
  /** RFC 5001 NSID payload, sent only when a client asks for it; null never sends one. */
  nsid: Uint8Array | null = null;
  /** COOKIE option data (RFC 7873) for this response, set before begin(); null sends none. */
  cookie: Uint8Array | null = null;
  /** Seconds left before a secondary zone expires, for the EDNS EXPIRE option (RFC 7314); -1 sends none. */
  expireSeconds = -1;

  /**
   * Starts a response to q; limit is the size the transport allows. The OPT record the response will
   * end with (when the query had EDNS) is reserved out of it here.
   */
  begin(q: Query, pkt: Uint8Array, limit: number, echoFlags: boolean): void {
    const optSize = q.edns
      ? OPT_FIXED + (q.nsid && this.nsid !== null ? OPTION_HEADER + this.nsid.length : 0) + (this.cookie !== null ? OPTION_HEADER + this.cookie.length : 0)
        + (q.expire ? OPTION_HEADER + 4 : 0)
      : 0;
    this.expireSeconds = -1;
    const b = this.buf;
    b[0] = q.id >> 8;
    b[1] = q.id & 0xff;
    this.flags = 0x8000 | (q.opcode << 11) | (echoFlags ? q.flags & 0x0110 : 0); // QR, opcode, RD and CD echoed
    this.aa = false;
    this.tc = false;
    this.rcode = 0;
    this.ede = -1;
    this.counts.fill(0);
    this.limit = limit - optSize;
    this.optSize = optSize;
    this.suffixCount = 0;
    this.questionPresent = q.hasQuestion;
    if (q.hasQuestion) {
      copyBytes(b, 12, pkt, 12, q.questionEnd);
      this.pos = q.questionEnd;
      const key = q.qname;
      for (let i = 0; i < key.count && i < MAX_COMPRESSION_ENTRIES; i++) this.suffixes[this.suffixCount++] = 12 + key.labels[i];
    } else {
      this.pos = 12;
    }
  }

  setAuthoritative(aa: boolean): void {
    this.aa = aa;
  }

  setRcode(rcode: number): void {
    this.rcode = rcode;
  }

  /** REFUSED for a name outside our zones, with EDE 20 when the client speaks EDNS (RFC 8914), as Knot does. */
  refuseNotAuthoritative(): void {
    this.rcode = RCODE_REFUSED;
    this.ede = EDE_NOT_AUTHORITATIVE;
  }

  get rcodeValue(): number {
    return this.rcode;
  }

  get truncated(): boolean {
    return this.tc;
  }

  markTruncated(): void {
    this.tc = true;
  }

  get answerCount(): number {
    return this.counts[Section.Answer];
  }

  /** Drops whatever was written after `mark` (a pos value): used to undo a partial RRset that did not fit. */
  private rollback(mark: number, suffixMark: number): void {
    this.pos = mark;
    this.suffixCount = suffixMark;
  }

  /**
   * Writes a name with compression. Pointers may target any suffix already in the message; the
   * comparison is case-insensitive, so the question's case is what the client sees for shared suffixes.
   */
  writeName(src: Uint8Array, off: number): void {
    const b = this.buf;
    this.lastNameAt = this.pos;
    for (;;) {
      const len = src[off];
      if (len === 0) {
        b[this.pos++] = 0;
        return;
      }
      const target = this.findSuffix(src, off);
      if (target >= 0) {
        b[this.pos++] = 0xc0 | (target >> 8);
        b[this.pos++] = target & 0xff;
        return;
      }
      if (this.pos < 0x4000 && this.suffixCount < MAX_COMPRESSION_ENTRIES) this.suffixes[this.suffixCount++] = this.pos;
      copyBytes(b, this.pos, src, off, off + len + 1);
      this.pos += len + 1;
      off += len + 1;
    }
  }

  private findSuffix(src: Uint8Array, off: number): number {
    for (let i = 0; i < this.suffixCount; i++) {
      const at = this.suffixes[i];
      if (this.sameSuffix(at, src, off)) return at;
    }
    return -1;
  }

  /** Compares the (possibly compressed) name in the message at `at` with src[off..], ignoring case. */
  private sameSuffix(at: number, src: Uint8Array, off: number): boolean {
    const b = this.buf;
    for (;;) {
      let len = b[at];
      while ((len & 0xc0) === 0xc0) {
        at = ((len & 0x3f) << 8) | b[at + 1];
        len = b[at];
      }
      if (len !== src[off]) return false;
      if (len === 0) return true;
      for (let i = 1; i <= len; i++) if (lowerOctet(b[at + i]) !== lowerOctet(src[off + i])) return false;
      at += len + 1;
      off += len + 1;
    }
  }

  /** Owner as a pointer to a name already in the message (the question, or a CNAME target). */
  private writeOwnerPointer(at: number): void {
    this.buf[this.pos++] = 0xc0 | (at >> 8);
    this.buf[this.pos++] = at & 0xff;
  }

  /**
   * Copies an RRset from compiled form. The owner is either a pointer to a name already in the message
   * (ownerAt >= 0) or the wire name at ownerName[ownerOff]. Returns false, leaving the message as it was,
   * if the RRset does not fit; the caller decides whether that means TC.
   * `coveredType` >= 0 restricts an RRSIG RRset to the signatures over that type.
   */
  private writeRRset(
    section: Section, type: number, klass: number, ttl: number, rdata: Uint8Array, from: number, to: number,
    ownerAt: number, ownerName: Uint8Array | null, ownerOff: number, coveredType = -1,
  ): boolean {
    const mark = this.pos;
    const suffixMark = this.suffixCount;
    const b = this.buf;
    let written = 0;
    for (let p = from; p < to; ) {
      const rdlen = (rdata[p] << 8) | rdata[p + 1];
      const start = p + 2;
      p = start + rdlen;
      if (coveredType >= 0 && ((rdata[start] << 8) | rdata[start + 1]) !== coveredType) continue;
      if (this.pos + RR_OVERHEAD + rdlen > b.length) {
        this.rollback(mark, suffixMark);
        return false;
      }
      if (ownerAt >= 0) this.writeOwnerPointer(ownerAt);
      else this.writeName(ownerName!, ownerOff);
      this.writeRecordBody(type, klass, ttl, rdata, start, rdlen);
      if (this.pos > this.limit) {
        this.rollback(mark, suffixMark);
        return false;
      }
      written++;
    }
    this.counts[section] += written;
    return true;
  }

  /** TYPE, CLASS, TTL, then the RDATA with its RDLENGTH patched in afterwards (compression changes it). */
  private writeRecordBody(type: number, klass: number, ttl: number, rdata: Uint8Array, start: number, rdlen: number): void {
    const b = this.buf;
    const fixed = this.pos;
    b[fixed] = type >> 8;
    b[fixed + 1] = type & 0xff;
    b[fixed + 2] = klass >> 8;
    b[fixed + 3] = klass & 0xff;
    b[fixed + 4] = ttl >>> 24;
    b[fixed + 5] = (ttl >>> 16) & 0xff;
    b[fixed + 6] = (ttl >>> 8) & 0xff;
    b[fixed + 7] = ttl & 0xff;
    this.pos = fixed + 10;
    this.writeRdata(type, rdata, start, rdlen);
    const written = this.pos - fixed - 10;
    b[fixed + 8] = written >> 8;
    b[fixed + 9] = written & 0xff;
  }

  /** RFC 3597 section 4: only the RFC 1035 types may carry compressed names in RDATA. */
  private writeRdata(type: number, rdata: Uint8Array, start: number, rdlen: number): void {
    switch (type) {
      case T_NS:
      case T_CNAME:
      case T_PTR:
        this.writeName(rdata, start);
        return;
      case T_MX:
        this.buf[this.pos++] = rdata[start];
        this.buf[this.pos++] = rdata[start + 1];
        this.writeName(rdata, start + 2);
        return;
      case T_SOA: {
        let p = start;
        this.writeName(rdata, p);
        while (rdata[p] !== 0) p += rdata[p] + 1;
        p++;
        this.writeName(rdata, p);
        while (rdata[p] !== 0) p += rdata[p] + 1;
        p++;
        copyBytes(this.buf, this.pos, rdata, p, p + 20);
        this.pos += 20;
        return;
      }
      default:
        copyBytes(this.buf, this.pos, rdata, start, start + rdlen);
        this.pos += rdlen;
    }
  }

  /** RRset `rrset` of `zone`, its owner a pointer to the name at `ownerAt` already in the message. */
  putRRset(zone: CompiledZone, rrset: number, section: Section, ownerAt: number): boolean {
    return this.copyRRset(zone, rrset, section, ownerAt, 0, rrsetTtl(zone, rrset), -1);
  }

  /** RRset `rrset` of `zone`, its owner the name of `node` (compressed against the message). */
  putNodeRRset(zone: CompiledZone, node: number, rrset: number, section: Section): boolean {
    return this.copyRRset(zone, rrset, section, -1, nodeNameOff(zone, node), rrsetTtl(zone, rrset), -1);
  }

  /**
   * The RRSIGs at `node` over type `covered` (RFC 4035 section 3.1.1), owner as in putRRset when
   * ownerAt >= 0, else the node's name. True when there were none. They form their own set per
   * covered type, with its own TTL (RFC 4034 section 3); `ttl` >= 0 overrides it (RFC 9077).
   */
  putSignatures(zone: CompiledZone, node: number, covered: number, section: Section, ownerAt: number, ttl = -1): boolean {
    const sigs = findSignatures(zone, node, covered);
    if (sigs < 0) return true;
    return this.copyRRset(zone, sigs, section, ownerAt, ownerAt >= 0 ? 0 : nodeNameOff(zone, node), ttl >= 0 ? ttl : rrsetTtl(zone, sigs), -1);
  }

  /** The apex SOA for a negative answer, with TTL min(SOA TTL, MINIMUM) (RFC 2308 sections 3 and 5). */
  putNegativeSoa(zone: CompiledZone, section: Section): boolean {
    return this.copyRRset(zone, zone.soaRRset, section, -1, nodeNameOff(zone, zone.apex), zone.negativeTtl, -1);
  }

  private copyRRset(zone: CompiledZone, rrset: number, section: Section, ownerAt: number, ownerOff: number, ttl: number, covered: number): boolean {
    return this.writeRRset(
      section, rrsetType(zone, rrset), C_IN, ttl, zone.rdata, rrsetDataOff(zone, rrset), rrsetDataEnd(zone, rrset), ownerAt, zone.names, ownerOff, covered,
    );
  }

  /** A single synthesized RR whose RDATA is given whole (CHAOS TXT, DNAME-synthesized CNAME). */
  writeSynthetic(section: Section, type: number, klass: number, ttl: number, ownerAt: number, rdata: Uint8Array, rdlen: number): boolean {
    if (this.pos + 12 + rdlen > this.limit) return false;
    const mark = this.pos;
    const suffixMark = this.suffixCount;
    this.writeOwnerPointer(ownerAt);
    this.writeRecordBody(type, klass, ttl, rdata, 0, rdlen);
    if (this.pos > this.limit) {
      this.rollback(mark, suffixMark);
      return false;
    }
    this.counts[section]++;
    return true;
  }

  /** Finishes the message: OPT (if the query had EDNS), counts and flags. Returns its length. */
  finish(q: Query): number {
    const b = this.buf;
    const nsid = this.nsid;
    const cookie = this.cookie;
    if (this.optSize > 0) {
      let p = this.pos;
      b[p++] = 0; // root owner
      b[p++] = T_OPT >> 8;
      b[p++] = T_OPT & 0xff;
      b[p++] = this.advertisedSize >> 8;
      b[p++] = this.advertisedSize & 0xff;
      b[p++] = this.rcode >> 4; // RFC 6891 section 6.1.3: upper 8 bits of the 12-bit RCODE
      b[p++] = 0; // version 0
      b[p++] = q.dnssecOk ? 0x80 : 0;
      b[p++] = 0;
      const withNsid = nsid !== null && q.nsid;
      const expire = q.expire ? this.expireSeconds : -1;
      const rdlen = (withNsid ? 4 + nsid.length : 0) + (this.ede >= 0 ? 6 : 0) + (cookie !== null ? 4 + cookie.length : 0) + (expire >= 0 ? 8 : 0);
      b[p++] = rdlen >> 8;
      b[p++] = rdlen & 0xff;
      if (withNsid) {
        b[p++] = 0;
        b[p++] = EDNS_NSID;
        b[p++] = nsid.length >> 8;
        b[p++] = nsid.length & 0xff;
        b.set(nsid, p);
        p += nsid.length;
      }
      if (cookie !== null) {
        b[p++] = 0;
        b[p++] = EDNS_COOKIE;
        b[p++] = 0;
        b[p++] = cookie.length;
        b.set(cookie, p);
        p += cookie.length;
      }
      if (this.ede >= 0) {
        b[p++] = 0;
        b[p++] = EDNS_EDE;
        b[p++] = 0;
        b[p++] = 2;
        b[p++] = this.ede >> 8;
        b[p++] = this.ede & 0xff;
      }
      if (expire >= 0) {
        b[p++] = 0;
        b[p++] = EDNS_EXPIRE;
        b[p++] = 0;
        b[p++] = 4;
        b[p++] = expire >>> 24;
        b[p++] = (expire >> 16) & 0xff;
        b[p++] = (expire >> 8) & 0xff;
        b[p++] = expire & 0xff;
      }
      this.pos = p;
      this.counts[Section.Additional]++;
    }
    const flags = this.flags | (this.aa ? 0x0400 : 0) | (this.tc ? 0x0200 : 0) | (this.rcode & 0xf);
    b[2] = flags >> 8;
    b[3] = flags & 0xff;
    const qd = this.questionPresent ? 1 : 0;
    b[4] = 0;
    b[5] = qd;
    b[6] = this.counts[0] >> 8;
    b[7] = this.counts[0] & 0xff;
    b[8] = this.counts[1] >> 8;
    b[9] = this.counts[1] & 0xff;
    b[10] = this.counts[2] >> 8;
    b[11] = this.counts[2] & 0xff;
    return this.pos;
  }
}

