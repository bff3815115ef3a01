// The authoritative answer algorithm (RFC 1034 section 4.3.2, RFC 2308, RFC 4592, RFC 6672) over compiled zones.

import {
  type CompiledZone, NODE_STRIDE, N_NAME_OFF, N_NAME_LEN, N_FLAGS, N_FIRST_RRSET, N_RRSET_COUNT, N_CUT, N_WILDCARD,
  F_DELEGATION, F_DNAME, RRSET_STRIDE, R_TYPE, R_TTL, R_COUNT, R_DATA_OFF, R_DATA_END, R_TARGETS, findNode, findRRset,
} from '../zone/compiled.js';
import { NameKey } from '../wire/name-key.js';
import { isSubdomain, MAX_NAME_OCTETS } from '../wire/name.js';
import type { Query } from '../wire/query.js';
import { ResponseWriter, Section } from '../wire/writer.js';
import type { ZoneSet } from './zoneset.js';
import {
  C_IN, RCODE_NXDOMAIN, RCODE_SERVFAIL, T_A, T_AAAA, T_ANY, T_CNAME, T_DNAME, T_DS, T_NS, T_RRSIG, T_SOA,
} from '../wire/constants.js';

/** How one lookup step ended: the closed set of outcomes the loop below handles. */
export const enum Outcome {
  Answer,
  NoData,
  NxDomain,
  Referral,
  /** A CNAME (or DNAME-synthesized CNAME) was written; resolution continues at its target. */
  Follow,
  Truncated,
  Refused,
  /** A secondary zone past its SOA EXPIRE (RFC 1035 section 4.3.5): no data is better than stale data. */
  Expired,
}

/** RFC 1034 does not bound chains; like Knot, at most 5 CNAMEs go into one answer. */
const MAX_CNAME_HOPS = 5;
const RCODE_YXDOMAIN = 6;

export class Resolver {
  private readonly keys = [new NameKey(), new NameKey()];
  private readonly synth = new Uint8Array(MAX_NAME_OCTETS + 1);
  private readonly visitedZone: (CompiledZone | null)[] = new Array(MAX_CNAME_HOPS).fill(null);
  private readonly visitedNode = new Int32Array(MAX_CNAME_HOPS);
  /** Where the next hop's owner name sits in the message. */
  private nextOwnerAt = 12;
  private dnssecOk = false;
  /** DNSSEC records go with answers only when the client set DO and the zone is signed (as Knot decides). */
  private dnssec = false;

  resolve(q: Query, zones: ZoneSet, w: ResponseWriter): Outcome {
    let key = q.qname;
    let zone = zones.find(key, q.qtype === T_DS);
    if (zone === null) {
      w.refuseNotAuthoritative();
      return Outcome.Refused;
    }
    if (zones.expired !== null && zones.expired.has(zone)) {
      w.setRcode(RCODE_SERVFAIL);
      return Outcome.Expired;
    }
    w.setAuthoritative(true);
    this.dnssecOk = q.dnssecOk;
    let ownerAt = 12;
    for (let hop = 0; ; hop++) {
      this.dnssec = this.dnssecOk && zone.signed;
      const outcome = this.step(zone, key, q.qtype, ownerAt, w, hop);
      if (outcome !== Outcome.Follow) return outcome;
      if (hop + 1 === MAX_CNAME_HOPS) return Outcome.Answer;
      key = this.keys[hop & 1];
      zone = zones.find(key, false);
      // RFC 1034 section 4.3.2 step 3a: restart at the target only where we are authoritative for it.
      if (zone === null || (zones.expired !== null && zones.expired.has(zone))) return Outcome.Answer;
      ownerAt = this.nextOwnerAt;
    }
  }

  private step(zone: CompiledZone, key: NameKey, qtype: number, ownerAt: number, w: ResponseWriter, hop: number): Outcome {
    const nodes = zone.nodes;
    const node = findNode(zone, key.hashes[0], key.bytes, 0, key.len);
    if (node >= 0) {
      const cut = nodes[node * NODE_STRIDE + N_CUT];
      if (cut >= 0) return this.atCut(zone, cut, key, ownerAt, w, hop);
      // The parent side of a cut answers only DS (RFC 4035 section 3.1.4.1); everything else is referred.
      if (nodes[node * NODE_STRIDE + N_FLAGS] & F_DELEGATION && qtype !== T_DS) return this.referral(zone, node, w);
      return this.answerAt(zone, node, qtype, ownerAt, w, hop);
    }
    // Closest encloser: the longest existing ancestor. The apex always exists, so this ends.
    let enc = -1;
    for (let i = 1; i <= key.count - zone.apexLabels; i++) {
      enc = findNode(zone, key.hashes[i], key.bytes, key.labels[i], key.len - key.labels[i]);
      if (enc >= 0) break;
    }
    const base = enc * NODE_STRIDE;
    const cut = nodes[base + N_CUT];
    if (cut >= 0) return this.atCut(zone, cut, key, ownerAt, w, hop);
    if (nodes[base + N_FLAGS] & F_DELEGATION) return this.referral(zone, enc, w);
    if (nodes[base + N_FLAGS] & F_DNAME) return this.dname(zone, enc, key, ownerAt, w, hop);
    const wildcard = nodes[base + N_WILDCARD];
    if (wildcard >= 0) return this.answerAt(zone, wildcard, qtype, ownerAt, w, hop);
    w.setRcode(RCODE_NXDOMAIN);
    return this.negative(zone, w, Outcome.NxDomain);
  }

  private atCut(zone: CompiledZone, cut: number, key: NameKey, ownerAt: number, w: ResponseWriter, hop: number): Outcome {
    if (zone.nodes[cut * NODE_STRIDE + N_FLAGS] & F_DELEGATION) return this.referral(zone, cut, w);
    return this.dname(zone, cut, key, ownerAt, w, hop);
  }

  private answerAt(zone: CompiledZone, node: number, qtype: number, ownerAt: number, w: ResponseWriter, hop: number): Outcome {
    if (this.seen(zone, node, hop)) return Outcome.Answer;
    if (qtype === T_ANY) return this.answerAny(zone, node, ownerAt, w);
    const rrset = findRRset(zone, node, qtype);
    if (rrset >= 0) {
      if (!this.put(zone, rrset, Section.Answer, ownerAt, -1, w)) return this.truncated(w);
      this.signatures(zone, node, qtype, Section.Answer, ownerAt, w);
      this.additional(zone, rrset, w);
      return Outcome.Answer;
    }
    const cname = qtype === T_CNAME ? -1 : findRRset(zone, node, T_CNAME);
    if (cname >= 0) {
      if (!this.put(zone, cname, Section.Answer, ownerAt, -1, w)) return this.truncated(w);
      this.signatures(zone, node, T_CNAME, Section.Answer, ownerAt, w);
      this.nextOwnerAt = w.lastNameAt;
      this.keys[hop & 1].setFrom(zone.rdata, zone.rrsets[cname * RRSET_STRIDE + R_DATA_OFF] + 2);
      return Outcome.Follow;
    }
    return this.negative(zone, w, Outcome.NoData);
  }

  /** RFC 8482 section 4.1: answer ANY with one RRset rather than everything at the name. */
  private answerAny(zone: CompiledZone, node: number, ownerAt: number, w: ResponseWriter): Outcome {
    const first = zone.nodes[node * NODE_STRIDE + N_FIRST_RRSET];
    const count = zone.nodes[node * NODE_STRIDE + N_RRSET_COUNT];
    for (let r = first; r < first + count; r++) {
      if (zone.rrsets[r * RRSET_STRIDE + R_TYPE] === T_RRSIG) continue;
      if (!this.put(zone, r, Section.Answer, ownerAt, -1, w)) return this.truncated(w);
      this.signatures(zone, node, zone.rrsets[r * RRSET_STRIDE + R_TYPE], Section.Answer, ownerAt, w);
      this.additional(zone, r, w);
      return Outcome.Answer;
    }
    return this.negative(zone, w, Outcome.NoData);
  }

  /** Referral (RFC 1034 section 4.3.2 step 3b): NS of the cut in authority, glue in additional, AA clear. */
  private referral(zone: CompiledZone, cut: number, w: ResponseWriter): Outcome {
    if (w.answerCount === 0) w.setAuthoritative(false);
    const ns = findRRset(zone, cut, T_NS);
    if (!this.put(zone, ns, Section.Authority, -1, cut, w)) return this.truncated(w);
    if (this.dnssec) {
      const ds = findRRset(zone, cut, T_DS);
      if (ds >= 0 && this.put(zone, ds, Section.Authority, -1, cut, w)) this.signatures(zone, cut, T_DS, Section.Authority, -1, w, cut);
    }
    const base = ns * RRSET_STRIDE;
    const targets = zone.rrsets[base + R_TARGETS];
    const cutOff = zone.nodes[cut * NODE_STRIDE + N_NAME_OFF];
    const cutLen = zone.nodes[cut * NODE_STRIDE + N_NAME_LEN];
    for (let i = 0; i < zone.rrsets[base + R_COUNT]; i++) {
      const target = zone.targets[targets + i];
      if (target < 0) continue;
      const tOff = zone.nodes[target * NODE_STRIDE + N_NAME_OFF];
      const tLen = zone.nodes[target * NODE_STRIDE + N_NAME_LEN];
      // RFC 9471: glue for name servers inside the delegated zone must fit, or the answer is truncated.
      const required = isSubdomain(zone.names, tOff, tLen, zone.names, cutOff, cutLen);
      for (const type of GLUE_TYPES) {
        const glue = findRRset(zone, target, type);
        if (glue >= 0 && !this.put(zone, glue, Section.Additional, -1, target, w) && required) w.markTruncated();
      }
    }
    return Outcome.Referral;
  }

  /** RFC 6672 section 3: the DNAME, then a CNAME synthesized from the query name, then follow it. */
  private dname(zone: CompiledZone, owner: number, key: NameKey, ownerAt: number, w: ResponseWriter, hop: number): Outcome {
    const rrset = findRRset(zone, owner, T_DNAME);
    if (!this.put(zone, rrset, Section.Answer, -1, owner, w)) return this.truncated(w);
    this.signatures(zone, owner, T_DNAME, Section.Answer, -1, w, owner);
    const ownerLen = zone.nodes[owner * NODE_STRIDE + N_NAME_LEN];
    const prefixLen = key.len - ownerLen;
    const targetOff = zone.rrsets[rrset * RRSET_STRIDE + R_DATA_OFF] + 2;
    const targetLen = ((zone.rdata[targetOff - 2] << 8) | zone.rdata[targetOff - 1]);
    if (prefixLen + targetLen > MAX_NAME_OCTETS) {
      w.setRcode(RCODE_YXDOMAIN);
      return Outcome.Answer;
    }
    this.synth.set(key.bytes.subarray(0, prefixLen), 0);
    this.synth.set(zone.rdata.subarray(targetOff, targetOff + targetLen), prefixLen);
    const ttl = zone.rrsets[rrset * RRSET_STRIDE + R_TTL];
    if (!w.writeSynthetic(Section.Answer, T_CNAME, C_IN, ttl, ownerAt, this.synth, prefixLen + targetLen)) return this.truncated(w);
    this.nextOwnerAt = w.lastNameAt;
    this.keys[hop & 1].setFrom(this.synth, 0);
    return Outcome.Follow;
  }

  /** NXDOMAIN or NODATA: the SOA in authority with TTL min(SOA TTL, MINIMUM) (RFC 2308 sections 3 and 5). */
  private negative(zone: CompiledZone, w: ResponseWriter, outcome: Outcome): Outcome {
    if (!this.put(zone, zone.soaRRset, Section.Authority, -1, zone.apex, w, zone.negativeTtl)) return this.truncated(w);
    this.signatures(zone, zone.apex, T_SOA, Section.Authority, -1, w, zone.apex);
    return outcome;
  }

  /** Address records for in-zone NS/MX/SRV targets; optional, so whatever does not fit is left out. */
  private additional(zone: CompiledZone, rrset: number, w: ResponseWriter): void {
    const base = rrset * RRSET_STRIDE;
    const targets = zone.rrsets[base + R_TARGETS];
    if (targets < 0) return;
    const count = zone.rrsets[base + R_COUNT];
    for (let i = 0; i < count; i++) {
      const target = zone.targets[targets + i];
      if (target < 0 || zone.nodes[target * NODE_STRIDE + N_CUT] >= 0 || this.earlierTarget(zone, targets, i, target)) continue;
      for (const type of GLUE_TYPES) {
        const r = findRRset(zone, target, type);
        if (r >= 0) this.put(zone, r, Section.Additional, -1, target, w);
      }
    }
  }

  private earlierTarget(zone: CompiledZone, targets: number, i: number, target: number): boolean {
    for (let j = 0; j < i; j++) if (zone.targets[targets + j] === target) return true;
    return false;
  }

  /** With DO set, the RRSIGs that cover an RRset go with it (RFC 4035 section 3.1.1). */
  private signatures(zone: CompiledZone, node: number, type: number, section: Section, ownerAt: number, w: ResponseWriter, ownerNode = -1): void {
    if (!this.dnssec) return;
    const sigs = findRRset(zone, node, T_RRSIG);
    if (sigs >= 0) this.put(zone, sigs, section, ownerAt, ownerNode, w, -1, type);
  }

  private put(zone: CompiledZone, rrset: number, section: Section, ownerAt: number, ownerNode: number, w: ResponseWriter, ttl = -1, covered = -1): boolean {
    const base = rrset * RRSET_STRIDE;
    return w.writeRRset(
      section, zone.rrsets[base + R_TYPE], C_IN, ttl >= 0 ? ttl : zone.rrsets[base + R_TTL], zone.rdata,
      zone.rrsets[base + R_DATA_OFF], zone.rrsets[base + R_DATA_END], ownerAt, zone.names,
      ownerNode >= 0 ? zone.nodes[ownerNode * NODE_STRIDE + N_NAME_OFF] : 0, covered,
    );
  }

  private truncated(w: ResponseWriter): Outcome {
    w.markTruncated();
    return Outcome.Truncated;
  }

  /** CNAME loops end at the first repeat instead of filling the message. */
  private seen(zone: CompiledZone, node: number, hop: number): boolean {
    for (let i = 0; i < hop; i++) if (this.visitedZone[i] === zone && this.visitedNode[i] === node) return true;
    this.visitedZone[hop] = zone;
    this.visitedNode[hop] = node;
    return false;
  }
}

const GLUE_TYPES = [T_A, T_AAAA];
