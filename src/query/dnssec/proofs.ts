// Authenticated denial of existence for signed zones: the NSEC (RFC 4035 section 3.1.3) and NSEC3 (RFC 5155 section 7.2) proofs.

import {
  type CompiledZone, Denial, NODE_STRIDE, N_NAME_OFF, N_NAME_LEN, NSEC3_HASH_LENGTH, findNode, findRRset,
} from '../../zone/compiled/compiled.js';
import { findHash } from '../../zone/dnssec/denial-index.js';
import { nsec3Hash } from '../../zone/dnssec/nsec3-hash.js';
import { compareCanonical, labelOffsets } from '../../wire/canonical.js';
import { hashNameBackward, labelCount } from '../../wire/name.js';
import type { NameKey } from '../../wire/name-key.js';
import { ResponseWriter, Section } from '../../wire/writer.js';
import { T_NSEC, T_NSEC3 } from '../../wire/constants.js';

/** At most this many denial records go into one answer (NSEC3 NXDOMAIN needs three). */
const MAX_PROOF_RECORDS = 8;

export class DenialProver {
  private readonly hash = new Uint8Array(NSEC3_HASH_LENGTH);
  private readonly name = new Uint8Array(256);
  private readonly nameLabels = new Int32Array(128);
  private readonly ownerLabels = new Int32Array(128);
  /** Records already in this answer, so a record that proves two things is written once. */
  private readonly written = new Int32Array(MAX_PROOF_RECORDS);
  private writtenCount = 0;
  private zone: CompiledZone | null = null;
  private w: ResponseWriter | null = null;
  private fits = true;

  /** Name error (RFC 4035 section 3.1.3.2, RFC 5155 section 7.2.2); `enc` is the closest encloser. */
  nxdomain(zone: CompiledZone, key: NameKey, enc: number, w: ResponseWriter): boolean {
    this.begin(zone, w);
    if (zone.denial === Denial.Nsec) {
      this.nsecCovering(key.bytes, 0);
      this.nsecCovering(this.wildcardOf(enc), 0);
    } else if (zone.denial === Denial.Nsec3) {
      this.closestEncloserProof(key, enc);
      const cover = this.wildcardCover(enc);
      if (cover >= 0) this.emit(zone.nsec3Nodes[cover], T_NSEC3);
    }
    return this.fits;
  }

  /**
   * The NSEC3 covering "*.<enc>": a few enclosers take most NXDOMAINs, so each one's answer is cached
   * for the zone's lifetime (the zone is immutable) and most NXDOMAINs hash only the next closer name.
   */
  private wildcardCover(enc: number): number {
    const zone = this.zone!;
    let cache = this.wildcardCache.get(zone);
    if (cache === undefined) {
      cache = new Int32Array(zone.nodes.length / NODE_STRIDE).fill(-1);
      this.wildcardCache.set(zone, cache);
    }
    if (cache[enc] === -1) {
      const name = this.wildcardOf(enc);
      nsec3Hash(name, 0, this.nameLength, zone.nsec3Salt, zone.nsec3Iterations, this.hash, 0);
      const found = findHash(zone, this.hash);
      cache[enc] = found < 0 ? -2 : found; // -2: hashed, and the zone has no usable NSEC3
    }
    return cache[enc] < 0 ? -1 : cache[enc];
  }

  private readonly wildcardCache = new WeakMap<CompiledZone, Int32Array>();

  /** No data (RFC 4035 section 3.1.3.1, RFC 5155 sections 7.2.3 and 7.2.4) at an existing node, empty non-terminals included. */
  nodata(zone: CompiledZone, node: number, w: ResponseWriter): boolean {
    this.begin(zone, w);
    if (zone.denial === Denial.Nsec) {
      if (findRRset(zone, node, T_NSEC) >= 0) this.emit(node, T_NSEC);
      else this.nsecCovering(zone.names, zone.nodes[node * NODE_STRIDE + N_NAME_OFF]);
    } else if (zone.denial === Denial.Nsec3) {
      this.nsec3AtOrProvable(node);
    }
    return this.fits;
  }

  /** Wildcard answer (RFC 4035 section 3.1.3.3, RFC 5155 section 7.2.6): the query name itself does not exist. */
  wildcardAnswer(zone: CompiledZone, key: NameKey, enc: number, w: ResponseWriter): boolean {
    this.begin(zone, w);
    if (zone.denial === Denial.Nsec) this.nsecCovering(key.bytes, 0);
    else if (zone.denial === Denial.Nsec3) this.nsec3NextCloser(key, enc);
    return this.fits;
  }

  /** Wildcard no data (RFC 4035 section 3.1.3.4, RFC 5155 section 7.2.5). */
  wildcardNodata(zone: CompiledZone, key: NameKey, enc: number, wildcard: number, w: ResponseWriter): boolean {
    this.begin(zone, w);
    if (zone.denial === Denial.Nsec) {
      this.nsecCovering(key.bytes, 0);
      if (findRRset(zone, wildcard, T_NSEC) >= 0) this.emit(wildcard, T_NSEC);
    } else if (zone.denial === Denial.Nsec3) {
      this.closestEncloserProof(key, enc);
      const m = zone.nodeNsec3[wildcard];
      if (m >= 0) this.emit(zone.nsec3Nodes[m], T_NSEC3);
    }
    return this.fits;
  }

  /** Referral to a child without DS (RFC 4035 section 3.1.4, RFC 5155 section 7.2.7). */
  insecureReferral(zone: CompiledZone, cut: number, w: ResponseWriter): boolean {
    this.begin(zone, w);
    if (zone.denial === Denial.Nsec) {
      if (findRRset(zone, cut, T_NSEC) >= 0) this.emit(cut, T_NSEC);
    } else if (zone.denial === Denial.Nsec3) {
      this.nsec3AtOrProvable(cut);
    }
    return this.fits;
  }

  private begin(zone: CompiledZone, w: ResponseWriter): void {
    if (this.w !== w || this.zone !== zone) this.writtenCount = 0;
    this.zone = zone;
    this.w = w;
    this.fits = true;
  }

  /** Forgets what the last answer held; called once per query. */
  reset(): void {
    this.writtenCount = 0;
    this.w = null;
    this.zone = null;
  }

  private nameLength = 0;

  /** "*." + the name of node `enc`, into this.name. */
  private wildcardOf(enc: number): Uint8Array {
    const zone = this.zone!;
    const off = zone.nodes[enc * NODE_STRIDE + N_NAME_OFF];
    const len = zone.nodes[enc * NODE_STRIDE + N_NAME_LEN];
    this.name[0] = 1;
    this.name[1] = 0x2a;
    this.name.set(zone.names.subarray(off, off + len), 2);
    this.nameLength = len + 2;
    return this.name;
  }

  /** The NSEC whose owner is the greatest name canonically at or before the name (wrapping to the last). */
  private nsecCovering(buf: Uint8Array, off: number): void {
    const zone = this.zone!;
    const order = zone.nsecOrder;
    if (order.length === 0) return;
    const count = labelOffsets(buf, off, this.nameLabels);
    let lo = 0;
    let hi = order.length - 1;
    let best = order.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const node = order[mid];
      const ownerCount = labelOffsets(zone.names, zone.nodes[node * NODE_STRIDE + N_NAME_OFF], this.ownerLabels);
      const d = compareCanonical(zone.names, this.ownerLabels, ownerCount, buf, this.nameLabels, count);
      if (d <= 0) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    this.emit(order[best], T_NSEC);
  }

  /** The closest encloser proof (RFC 5155 section 7.2.1): NSEC3 matching the encloser, NSEC3 covering the next closer name. */
  private closestEncloserProof(key: NameKey, enc: number): void {
    const m = this.zone!.nodeNsec3[enc];
    if (m >= 0) this.emit(this.zone!.nsec3Nodes[m], T_NSEC3);
    this.nsec3NextCloser(key, enc);
  }

  private nsec3NextCloser(key: NameKey, enc: number): void {
    const zone = this.zone!;
    const encLabels = labelCount(zone.names, zone.nodes[enc * NODE_STRIDE + N_NAME_OFF]);
    const at = key.labels[key.count - encLabels - 1];
    this.nsec3Covering(key.bytes, at, key.len - at);
  }

  private nsec3Covering(buf: Uint8Array, off: number, len: number): void {
    const zone = this.zone!;
    nsec3Hash(buf, off, len, zone.nsec3Salt, zone.nsec3Iterations, this.hash, 0);
    const i = findHash(zone, this.hash);
    if (i >= 0) this.emit(zone.nsec3Nodes[i], T_NSEC3);
  }

  /**
   * The NSEC3 matching the node; without one (an insecure delegation in an opt-out span, RFC 5155
   * sections 7.2.4 and 7.2.7) the closest provable encloser's NSEC3 and the opt-out NSEC3 covering the next closer name.
   */
  private nsec3AtOrProvable(node: number): void {
    const zone = this.zone!;
    const m = zone.nodeNsec3[node];
    if (m >= 0) {
      this.emit(zone.nsec3Nodes[m], T_NSEC3);
      return;
    }
    const names = zone.names;
    const off = zone.nodes[node * NODE_STRIDE + N_NAME_OFF];
    const len = zone.nodes[node * NODE_STRIDE + N_NAME_LEN];
    // Walk up label by label; the apex always has an NSEC3, so this ends at it at the latest.
    let nextCloser = off;
    for (let p = off; names[p] !== 0; ) {
      const parent = p + names[p] + 1;
      const enc = this.nodeAt(names, parent, len - (parent - off));
      if (enc >= 0 && zone.nodeNsec3[enc] >= 0) {
        this.emit(zone.nsec3Nodes[zone.nodeNsec3[enc]], T_NSEC3);
        nextCloser = p;
        break;
      }
      p = parent;
    }
    this.nsec3Covering(names, nextCloser, len - (nextCloser - off));
  }

  private nodeAt(buf: Uint8Array, off: number, len: number): number {
    return findNode(this.zone!, hashNameBackward(buf, off, off + len), buf, off, len);
  }

  /** Writes the record set of `type` at `node` and its RRSIG into authority, once per answer. */
  private emit(node: number, type: number): void {
    for (let i = 0; i < this.writtenCount; i++) if (this.written[i] === node) return;
    if (this.writtenCount < MAX_PROOF_RECORDS) this.written[this.writtenCount++] = node;
    const zone = this.zone!;
    const w = this.w!;
    const rrset = findRRset(zone, node, type);
    if (rrset < 0) return;
    if (!w.putNodeRRset(zone, node, rrset, Section.Authority) || !w.putSignatures(zone, node, type, Section.Authority, -1)) this.fits = false;
  }
}
