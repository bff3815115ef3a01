// The authoritative lookup (RFC 1034 section 4.3.2, RFC 4592, RFC 6672): writes the answer section and records the outcome.

import {
  type CompiledZone, F_NSEC3_OWNER, findNode, findRRset, isDelegation, isDname, nodeCut, nodeFirstRRset, nodeFlags, nodeNameLen,
  nodeRRsetCount, nodeWildcard, rrsetFirstName, rrsetTtl, rrsetType,
} from '../zone/compiled/compiled.js';
import { NameKey } from '../wire/name-key.js';
import { MAX_NAME_OCTETS } from '../wire/name.js';
import type { Query } from '../wire/query.js';
import { ResponseWriter, Section } from '../wire/writer.js';
import type { ZoneSet } from './zoneset.js';
import { OutcomeKind, type QueryOutcome } from './outcome.js';
import { C_IN, RCODE_NXDOMAIN, RCODE_SERVFAIL, T_ANY, T_CNAME, T_DNAME, T_DS, T_RRSIG } from '../wire/constants.js';

/**
 * RFC 1034 does not bound chains; like Knot, at most 5 CNAMEs go into one answer. The target of the
 * last one is still looked up, so a chain of exactly this length ends with its answer or its SOA.
 */
export const MAX_CNAME_HOPS = 5;
const RCODE_YXDOMAIN = 6;

/** What one lookup step asks of the loop: stop, or continue at the CNAME target just written. */
const enum Step {
  Done,
  Follow,
}

/**
 * Writes the answer section and fills `out`; the authority and additional sections are added from
 * `out` by solveAuthority() (authority.ts), the one place that decides them.
 */
export class Resolver {
  private readonly keys = [new NameKey(), new NameKey()];
  private readonly synth = new Uint8Array(MAX_NAME_OCTETS + 1);
  private readonly visitedZone: (CompiledZone | null)[] = new Array(MAX_CNAME_HOPS + 1).fill(null);
  private readonly visitedNode = new Int32Array(MAX_CNAME_HOPS + 1);
  /** Where the next hop's owner name sits in the message. */
  private nextOwnerAt = 12;

  resolve(q: Query, zones: ZoneSet, w: ResponseWriter, out: QueryOutcome): void {
    let key = q.qname;
    let zone = zones.find(key, q.qtype === T_DS);
    if (zone === null) {
      w.refuseNotAuthoritative();
      out.kind = OutcomeKind.Refused;
      return;
    }
    // A secondary zone past its SOA EXPIRE (RFC 1035 section 4.3.5): no data is better than stale data.
    if (zones.expired !== null && zones.expired.has(zone)) {
      w.setRcode(RCODE_SERVFAIL);
      out.kind = OutcomeKind.Error;
      return;
    }
    w.setAuthoritative(true);
    let ownerAt = 12;
    for (let hop = 0; ; hop++) {
      out.beginStep(zone, key, hop);
      if (this.step(zone, key, q.qtype, ownerAt, w, out, hop) === Step.Done) return;
      key = this.keys[hop & 1];
      out.kind = OutcomeKind.Chain;
      out.hops = hop + 1;
      // RFC 1034 section 4.3.2 step 3a: restart at the target only where we are authoritative for it.
      zone = zones.find(key, false);
      if (zone === null || (zones.expired !== null && zones.expired.has(zone))) return;
      ownerAt = this.nextOwnerAt;
    }
  }

  private step(zone: CompiledZone, key: NameKey, qtype: number, ownerAt: number, w: ResponseWriter, out: QueryOutcome, hop: number): Step {
    const node = this.lookup(zone, key.hashes[0], key.bytes, 0, key.len);
    if (node >= 0) {
      out.node = node;
      out.encloser = node;
      const cut = nodeCut(zone, node);
      if (cut >= 0) return this.atCut(zone, cut, key, qtype, ownerAt, w, out, hop);
      // The parent side of a cut answers only DS (RFC 4035 section 3.1.4.1); everything else is referred.
      if (isDelegation(zone, node) && qtype !== T_DS) return this.referral(node, out);
      return this.answerAt(zone, node, qtype, ownerAt, w, out, hop, false);
    }
    // Closest encloser: the longest existing ancestor. The apex always exists, so this ends.
    let enc = -1;
    let i = 1;
    for (; i <= key.count - zone.apexLabels; i++) {
      enc = this.lookup(zone, key.hashes[i], key.bytes, key.labels[i], key.len - key.labels[i]);
      if (enc >= 0) break;
    }
    out.encloser = enc;
    out.encloserLabel = i;
    const cut = nodeCut(zone, enc);
    if (cut >= 0) return this.atCut(zone, cut, key, qtype, ownerAt, w, out, hop);
    if (isDelegation(zone, enc)) return this.referral(enc, out);
    if (isDname(zone, enc)) return this.dname(zone, enc, key, qtype, ownerAt, w, out, hop);
    const wildcard = nodeWildcard(zone, enc);
    if (wildcard >= 0) {
      out.wildcard = wildcard;
      return this.answerAt(zone, wildcard, qtype, ownerAt, w, out, hop, true);
    }
    w.setRcode(RCODE_NXDOMAIN);
    out.kind = OutcomeKind.NxDomain;
    return Step.Done;
  }

  /** A name of the zone; NSEC3 owner names are not (RFC 5155 section 7.2.8), so they do not exist here. */
  private lookup(zone: CompiledZone, hash: number, buf: Uint8Array, off: number, len: number): number {
    const node = findNode(zone, hash, buf, off, len);
    return node >= 0 && nodeFlags(zone, node) & F_NSEC3_OWNER ? -1 : node;
  }

  private atCut(zone: CompiledZone, cut: number, key: NameKey, qtype: number, ownerAt: number, w: ResponseWriter, out: QueryOutcome, hop: number): Step {
    if (isDelegation(zone, cut)) return this.referral(cut, out);
    return this.dname(zone, cut, key, qtype, ownerAt, w, out, hop);
  }

  private referral(cut: number, out: QueryOutcome): Step {
    out.kind = OutcomeKind.Referral;
    out.cut = cut;
    return Step.Done;
  }

  private answerAt(zone: CompiledZone, node: number, qtype: number, ownerAt: number, w: ResponseWriter, out: QueryOutcome, hop: number, wildcard: boolean): Step {
    if (this.seen(zone, node, hop)) {
      out.kind = OutcomeKind.Chain;
      return Step.Done;
    }
    if (qtype === T_ANY) return this.answerAny(zone, node, ownerAt, w, out, wildcard);
    // Type RRSIG by name: the first set (signatures over the lowest type), as Knot answers.
    const rrset = findRRset(zone, node, qtype);
    if (rrset >= 0) {
      out.kind = wildcard ? OutcomeKind.WildcardAnswer : OutcomeKind.Positive;
      out.rrset = rrset;
      // RFC 4035 section 3.1.1: signatures that do not fit mean TC, never an unsigned answer.
      if (!w.putRRset(zone, rrset, Section.Answer, ownerAt) || (out.dnssec && !w.putSignatures(zone, node, qtype, Section.Answer, ownerAt))) w.markTruncated();
      return Step.Done;
    }
    const cname = qtype === T_CNAME ? -1 : findRRset(zone, node, T_CNAME);
    if (cname >= 0) {
      out.kind = OutcomeKind.Chain;
      // The last hop allowed: the CNAME's target is not looked up, so it is not written either.
      if (hop === MAX_CNAME_HOPS) return Step.Done;
      if (!w.putRRset(zone, cname, Section.Answer, ownerAt)) {
        w.markTruncated();
        return Step.Done;
      }
      if (out.dnssec && !w.putSignatures(zone, node, T_CNAME, Section.Answer, ownerAt)) {
        w.markTruncated();
        return Step.Done;
      }
      // A CNAME from a wildcard: the proof that the name itself does not exist goes with the final answer.
      if (wildcard && out.dnssec && out.wildcardChainZone === null) {
        out.wildcardChainZone = zone;
        out.wildcardChainName.setFrom(out.name!.bytes, 0);
        out.wildcardChainEncloser = out.encloser;
      }
      this.nextOwnerAt = w.lastNameAt;
      this.keys[hop & 1].setFrom(zone.rdata, rrsetFirstName(zone, cname));
      return Step.Follow;
    }
    out.kind = wildcard ? OutcomeKind.WildcardNoData : OutcomeKind.NoData;
    return Step.Done;
  }

  /** RFC 8482 section 4.1: answer ANY with one RRset rather than everything at the name. */
  private answerAny(zone: CompiledZone, node: number, ownerAt: number, w: ResponseWriter, out: QueryOutcome, wildcard: boolean): Step {
    const first = nodeFirstRRset(zone, node);
    const end = first + nodeRRsetCount(zone, node);
    for (let r = first; r < end; r++) {
      const type = rrsetType(zone, r);
      if (type === T_RRSIG) continue;
      out.kind = wildcard ? OutcomeKind.WildcardAnswer : OutcomeKind.Positive;
      out.rrset = r;
      if (!w.putRRset(zone, r, Section.Answer, ownerAt) || (out.dnssec && !w.putSignatures(zone, node, type, Section.Answer, ownerAt))) w.markTruncated();
      return Step.Done;
    }
    out.kind = wildcard ? OutcomeKind.WildcardNoData : OutcomeKind.NoData;
    return Step.Done;
  }

  /** RFC 6672 section 3: the DNAME, then a CNAME synthesized from the query name, then follow it. */
  private dname(zone: CompiledZone, owner: number, key: NameKey, qtype: number, ownerAt: number, w: ResponseWriter, out: QueryOutcome, hop: number): Step {
    out.cut = owner;
    out.kind = OutcomeKind.Chain;
    if (hop === MAX_CNAME_HOPS) return Step.Done;
    const rrset = findRRset(zone, owner, T_DNAME);
    if (!w.putNodeRRset(zone, owner, rrset, Section.Answer)) {
      w.markTruncated();
      return Step.Done;
    }
    if (out.dnssec && !w.putSignatures(zone, owner, T_DNAME, Section.Answer, -1)) {
      w.markTruncated();
      return Step.Done;
    }
    const prefixLen = key.len - nodeNameLen(zone, owner);
    const targetOff = rrsetFirstName(zone, rrset);
    const targetLen = (zone.rdata[targetOff - 2] << 8) | zone.rdata[targetOff - 1];
    if (prefixLen + targetLen > MAX_NAME_OCTETS) {
      w.setRcode(RCODE_YXDOMAIN);
      out.kind = OutcomeKind.Error;
      return Step.Done;
    }
    this.synth.set(key.bytes.subarray(0, prefixLen), 0);
    this.synth.set(zone.rdata.subarray(targetOff, targetOff + targetLen), prefixLen);
    if (!w.writeSynthetic(Section.Answer, T_CNAME, C_IN, rrsetTtl(zone, rrset), ownerAt, this.synth, prefixLen + targetLen)) {
      w.markTruncated();
      return Step.Done;
    }
    // A CNAME query is answered by the synthesized CNAME itself (RFC 6672 section 3.2), like a CNAME at the name.
    if (qtype === T_CNAME) {
      out.kind = OutcomeKind.Positive;
      return Step.Done;
    }
    this.nextOwnerAt = w.lastNameAt;
    this.keys[hop & 1].setFrom(this.synth, 0);
    return Step.Follow;
  }

  /** Drops the zones of the last chain (a swap is under way). */
  forgetZones(): void {
    this.visitedZone.fill(null);
  }

  /** CNAME loops end at the first repeat instead of filling the message. */
  private seen(zone: CompiledZone, node: number, hop: number): boolean {
    for (let i = 0; i < hop; i++) if (this.visitedZone[i] === zone && this.visitedNode[i] === node) return true;
    this.visitedZone[hop] = zone;
    this.visitedNode[hop] = node;
    return false;
  }
}
