// What a query's answer turned out to be: the closed set of outcomes, and the reusable record that carries one.

import type { CompiledZone } from '../zone/compiled/compiled.js';
import { nodeNameLen, nodeNameOff } from '../zone/compiled/compiled.js';
import { NameKey } from '../wire/name-key.js';

/**
 * The closed set of outcomes. A CNAME/DNAME chain ends in one of the others (the record says how many
 * hops led there); `Chain` is a chain that ends where we do not look further (outside our zones, a loop).
 */
export const enum OutcomeKind {
  /** Data of the asked type at the name, or an ANY answer. */
  Positive = 0,
  /** CNAMEs/DNAMEs only: the chain left our zones, looped, or hit the hop limit. */
  Chain = 1,
  NxDomain = 2,
  /** The name exists (or is an empty non-terminal) without the type. */
  NoData = 3,
  Referral = 4,
  /** Data synthesized from a wildcard (RFC 4592). */
  WildcardAnswer = 5,
  /** A wildcard matched but has no data of the type. */
  WildcardNoData = 6,
  /** Not ours to answer: a name outside our zones, another class, a transfer, a NOTIFY, a hidden CHAOS name. */
  Refused = 7,
  /** FORMERR, NOTIMP, BADVERS, YXDOMAIN, SERVFAIL. */
  Error = 8,
}

export const OUTCOME_COUNT = 9;

/** Label values of anycastd_responses_total{outcome}, indexed by OutcomeKind. */
export const OUTCOME_NAMES: readonly string[] = [
  'positive', 'chain', 'nxdomain', 'nodata', 'referral', 'wildcard', 'wildcard_nodata', 'refused', 'error',
];

/** Response classes for rate limiting (RRL buckets responses by class and name). */
export const enum ResponseClass {
  Positive = 0,
  NxDomain = 1,
  NoData = 2,
  Referral = 3,
  Wildcard = 4,
  Error = 5,
}

const CLASS_OF: readonly ResponseClass[] = [
  ResponseClass.Positive, ResponseClass.Positive, ResponseClass.NxDomain, ResponseClass.NoData, ResponseClass.Referral,
  ResponseClass.Wildcard, ResponseClass.Wildcard, ResponseClass.Error, ResponseClass.Error,
];

/**
 * One per handler, reset for every query: no allocation per query. The fields describe the LAST lookup
 * step (the end of a CNAME chain), which is the step DNSSEC proofs are about. Node numbers index
 * `zone`; -1 means none.
 */
export class QueryOutcome {
  kind: OutcomeKind = OutcomeKind.Error;
  /** CNAME/DNAME records followed before the last step. */
  hops = 0;
  /** The query name as asked (lower case). */
  qname: NameKey | null = null;
  /** Zone of the last step; null for outcomes outside any zone (REFUSED, errors, CHAOS). */
  zone: CompiledZone | null = null;
  /** Name looked up in the last step: the query name, or the target of the last CNAME/DNAME. */
  name: NameKey | null = null;
  /** Node that matched `name` exactly (including an empty non-terminal), else -1. */
  node = -1;
  /** Closest encloser of `name` (RFC 5155 section 7.2.1): `node` itself when it exists. */
  encloser = -1;
  /**
   * Label index in `name` where the closest encloser's suffix starts (name.labels[i]); the next closer
   * name starts at label index `encloserLabel - 1`. 0 when `name` exists.
   */
  encloserLabel = 0;
  /** Wildcard node that answered (WildcardAnswer, WildcardNoData) or the `*` child of the encloser that was looked at. */
  wildcard = -1;
  /** Delegation (NS cut) node of a referral, or the DNAME owner that redirected `name`, else -1. */
  cut = -1;
  /** RRset that answered in the last step (Positive, WildcardAnswer), for additional-section processing. */
  rrset = -1;
  /** The client set DO (RFC 3225). */
  dnssecOk = false;
  /** DO set and `zone` is signed: RRSIGs and proofs go into the response. */
  dnssec = false;
  /**
   * A CNAME synthesized from a wildcard earlier in the chain (RFC 4035 section 3.1.3.3): its zone, the
   * name it answered and that name's closest encloser, kept for the proof that the name does not exist.
   */
  wildcardChainZone: CompiledZone | null = null;
  readonly wildcardChainName = new NameKey();
  wildcardChainEncloser = -1;

  reset(qname: NameKey | null, dnssecOk: boolean): void {
    this.kind = OutcomeKind.Error;
    this.qname = qname;
    this.rrset = -1;
    this.dnssecOk = dnssecOk;
    this.wildcardChainZone = null;
    this.beginStep(null, qname, 0);
  }

  /** A lookup step starts at `name` in `zone` (hop `hop` of a chain): forget what the previous step found. */
  beginStep(zone: CompiledZone | null, name: NameKey | null, hop: number): void {
    this.zone = zone;
    this.name = name;
    this.hops = hop;
    this.node = -1;
    this.encloser = -1;
    this.encloserLabel = 0;
    this.wildcard = -1;
    this.cut = -1;
    this.dnssec = zone !== null && this.dnssecOk && zone.signed;
  }

  get responseClass(): ResponseClass {
    return CLASS_OF[this.kind];
  }

  /** RRL bucket name, filled by bucket(): bytes[off, off + len) is a lower-case wire name. */
  bucketBytes: Uint8Array = EMPTY_NAME;
  bucketOff = 0;
  bucketLen = 1;

  /**
   * Sets bucketBytes/Off/Len to the name RRL buckets this response under: the query name for positive
   * answers, the zone apex for NXDOMAIN, NODATA and errors, the delegation point for referrals, the
   * wildcard owner for wildcard answers (so random names under one wildcard share a bucket); errors
   * and refusals outside any zone share the root's bucket.
   */
  bucket(): this {
    const zone = this.zone;
    switch (this.kind) {
      case OutcomeKind.Referral:
        if (zone !== null && this.cut >= 0) return this.bucketNode(zone, this.cut);
        break;
      case OutcomeKind.WildcardAnswer:
      case OutcomeKind.WildcardNoData:
        if (zone !== null && this.wildcard >= 0) return this.bucketNode(zone, this.wildcard);
        break;
      case OutcomeKind.NxDomain:
      case OutcomeKind.NoData:
      case OutcomeKind.Error:
      case OutcomeKind.Refused:
        // Without a zone (names we do not serve, malformed queries) they all share the root's bucket.
        return zone !== null ? this.bucketNode(zone, zone.apex) : this.set(EMPTY_NAME, 0, 1);
      default:
        break;
    }
    const q = this.qname;
    if (q === null) return this.set(EMPTY_NAME, 0, 1);
    return this.set(q.bytes, 0, q.len);
  }

  private bucketNode(zone: CompiledZone, node: number): this {
    return this.set(zone.names, nodeNameOff(zone, node), nodeNameLen(zone, node));
  }

  private set(bytes: Uint8Array, off: number, len: number): this {
    this.bucketBytes = bytes;
    this.bucketOff = off;
    this.bucketLen = len;
    return this;
  }
}

const EMPTY_NAME = new Uint8Array(1);
