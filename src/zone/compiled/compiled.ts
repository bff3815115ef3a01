// The compiled zone: flat typed arrays the query path reads directly, transferable between threads without copying.

import { bytesEqual, isSubdomain, nameLength } from '../../wire/name.js';

/** Node table layout: one row of NODE_STRIDE int32 per name in the zone (real names and empty non-terminals). */
export const NODE_STRIDE = 8;
export const N_NAME_OFF = 0; // offset of the lower-case wire name in `names`
export const N_NAME_LEN = 1;
export const N_FLAGS = 2;
export const N_FIRST_RRSET = 3;
export const N_RRSET_COUNT = 4;
export const N_CUT = 5; // topmost zone cut (NS or DNAME owner) strictly above this node, or -1
export const N_WILDCARD = 6; // the "*" child of this node, or -1
export const N_HASH = 7;

export const F_APEX = 1;
export const F_DELEGATION = 2; // NS at a non-apex name: a zone cut
export const F_DNAME = 4; // DNAME owner: names below are redirected
export const F_CNAME = 8;
export const F_NSEC3_OWNER = 16; // holds only NSEC3 data: not a name of the zone (RFC 5155 section 7.2.8)
export const F_REMOVED = 32; // taken out by an IXFR patch: no longer in the hash table, its row is a hole

/** How the zone proves non-existence (RFC 4035, RFC 5155). */
export const enum Denial {
  None = 0,
  Nsec = 1,
  Nsec3 = 2,
}

/** RRset table layout: RRSET_STRIDE int32 per RRset, grouped by node, sorted by type. */
export const RRSET_STRIDE = 6;
export const R_TYPE = 0;
export const R_TTL = 1;
export const R_COUNT = 2;
export const R_DATA_OFF = 3; // offset in `rdata` of the first RR: each RR is RDLENGTH (2 octets) then RDATA
export const R_DATA_END = 4;
export const R_TARGETS = 5; // offset in `targets` of one node index per RR (NS/MX/SRV targets in zone), or -1

export interface ZoneMeta {
  origin: string; // presentation form, e.g. "example.test."
  serial: number;
  records: number;
  file: string;
  loadedAt: number;
  /** Earliest RRSIG expiration in the zone (seconds since 1970), 0 when the zone has no signatures. */
  signatureExpiry: number;
  /** Where that signature is ("file:line") and what it signs ("owner RRSIG(TYPE)"), for operators. */
  signatureExpiryWhere: string;
  signatureExpiryRecord: string;
  /** RDATA octets no row points at any more, left by IXFR patches (zone/compiled/patch.ts); absent after a compile. */
  unreferencedBytes?: number;
}

/** Everything the query path needs; all array buffers can be transferred to another thread. */
export interface CompiledZone {
  meta: ZoneMeta;
  apex: number; // node index of the apex
  apexName: Uint8Array; // lower-case wire name of the apex
  apexLabels: number;
  names: Uint8Array;
  nodes: Int32Array;
  hashTable: Int32Array; // open addressing, power-of-two size, holds node index + 1 (0 = empty)
  rrsets: Int32Array;
  rdata: Uint8Array;
  targets: Int32Array;
  /** SOA: TTL to put on negative answers = min(SOA TTL, SOA MINIMUM) per RFC 2308 section 5. */
  negativeTtl: number;
  soaRRset: number;
  /** The apex SOA is signed: only then do answers carry RRSIGs and referrals DS. */
  signed: boolean;
  denial: Denial;
  /** Nodes that own an NSEC RRset, in canonical order (RFC 4034 section 6.1): binary search finds the covering NSEC. */
  nsecOrder: Int32Array;
  /** NSEC3 owner hashes, sorted, NSEC3_HASH_LENGTH octets each; nsec3Nodes[i] is the owner node of hash i. */
  nsec3Hashes: Uint8Array;
  nsec3Nodes: Int32Array;
  /** Per node: index (into nsec3Nodes) of the NSEC3 matching the node's name, or -1. Hashed at compile time. */
  nodeNsec3: Int32Array;
  nsec3Salt: Uint8Array;
  nsec3Iterations: number;
}

export const NSEC3_HASH_LENGTH = 20;

export function transferList(zone: CompiledZone): ArrayBuffer[] {
  const arrays = [zone.names, zone.nodes, zone.hashTable, zone.rrsets, zone.rdata, zone.targets, zone.apexName];
  arrays.push(zone.nsecOrder, zone.nsec3Hashes, zone.nsec3Nodes, zone.nodeNsec3, zone.nsec3Salt);
  const list = arrays.map(
    (a) => a.buffer as ArrayBuffer,
  );
  return [...new Set(list)];
}

/** Finds the node whose lower-case wire name is buf[off..off+len) with the given backward hash; -1 if absent. */
export function findNode(zone: CompiledZone, hash: number, buf: Uint8Array, off: number, len: number): number {
  const table = zone.hashTable;
  const mask = table.length - 1;
  const nodes = zone.nodes;
  const names = zone.names;
  for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
    const entry = table[slot];
    if (entry === 0) return -1;
    const base = (entry - 1) * NODE_STRIDE;
    if (nodes[base + N_HASH] === (hash | 0) && nodes[base + N_NAME_LEN] === len && bytesEqual(names, nodes[base + N_NAME_OFF], buf, off, len)) {
      return entry - 1;
    }
  }
}

/** The type an RRSIG row covers: the first two RDATA octets of its first record. */
export function coveredType(zone: CompiledZone, rrset: number): number {
  const p = zone.rrsets[rrset * RRSET_STRIDE + R_DATA_OFF] + 2;
  return (zone.rdata[p] << 8) | zone.rdata[p + 1];
}

/** The RRSIG row covering `type` at the node (RFC 4034 section 3: RRSIGs form one set per covered type), or -1. */
export function findSignatures(zone: CompiledZone, node: number, type: number): number {
  const base = node * NODE_STRIDE;
  const end = zone.nodes[base + N_FIRST_RRSET] + zone.nodes[base + N_RRSET_COUNT];
  let r = findRRset(zone, node, T_RRSIG_TYPE);
  if (r < 0) return -1;
  for (; r < end && zone.rrsets[r * RRSET_STRIDE + R_TYPE] === T_RRSIG_TYPE; r++) if (coveredType(zone, r) === type) return r;
  return -1;
}

const T_RRSIG_TYPE = 46;

/** Index of the node's RRset of the given type, or -1. For RRSIG: the first RRSIG row. */
export function findRRset(zone: CompiledZone, node: number, type: number): number {
  const base = node * NODE_STRIDE;
  const first = zone.nodes[base + N_FIRST_RRSET];
  const end = first + zone.nodes[base + N_RRSET_COUNT];
  const rrsets = zone.rrsets;
  for (let r = first; r < end; r++) {
    const t = rrsets[r * RRSET_STRIDE + R_TYPE];
    if (t === type) return r;
    if (t > type) return -1;
  }
  return -1;
}

/** Sets the zone's serial and negative-answer TTL (RFC 2308 section 5: min(SOA TTL, MINIMUM)) from its apex SOA. */
export function takeSoaFields(zone: CompiledZone): void {
  if (zone.soaRRset < 0) return;
  const base = zone.soaRRset * RRSET_STRIDE;
  const p = zone.rrsets[base + R_DATA_OFF] + 2;
  const afterNames = p + nameLength(zone.rdata, p);
  const fields = afterNames + nameLength(zone.rdata, afterNames);
  const dv = new DataView(zone.rdata.buffer, zone.rdata.byteOffset);
  zone.meta.serial = dv.getUint32(fields);
  zone.negativeTtl = Math.min(zone.rrsets[base + R_TTL], dv.getUint32(fields + 16));
}

// Accessors for the query path: small enough for V8 to inline, so they cost nothing over the raw arithmetic.

export function nodeNameOff(zone: CompiledZone, node: number): number {
  return zone.nodes[node * NODE_STRIDE + N_NAME_OFF];
}

export function nodeNameLen(zone: CompiledZone, node: number): number {
  return zone.nodes[node * NODE_STRIDE + N_NAME_LEN];
}

export function nodeFlags(zone: CompiledZone, node: number): number {
  return zone.nodes[node * NODE_STRIDE + N_FLAGS];
}

export function nodeFirstRRset(zone: CompiledZone, node: number): number {
  return zone.nodes[node * NODE_STRIDE + N_FIRST_RRSET];
}

export function nodeRRsetCount(zone: CompiledZone, node: number): number {
  return zone.nodes[node * NODE_STRIDE + N_RRSET_COUNT];
}

/** The topmost zone cut (NS or DNAME owner) strictly above the node, or -1. */
export function nodeCut(zone: CompiledZone, node: number): number {
  return zone.nodes[node * NODE_STRIDE + N_CUT];
}

/** The node's "*" child, or -1. */
export function nodeWildcard(zone: CompiledZone, node: number): number {
  return zone.nodes[node * NODE_STRIDE + N_WILDCARD];
}

export function isDelegation(zone: CompiledZone, node: number): boolean {
  return (zone.nodes[node * NODE_STRIDE + N_FLAGS] & F_DELEGATION) !== 0;
}

export function isDname(zone: CompiledZone, node: number): boolean {
  return (zone.nodes[node * NODE_STRIDE + N_FLAGS] & F_DNAME) !== 0;
}

export function rrsetType(zone: CompiledZone, rrset: number): number {
  return zone.rrsets[rrset * RRSET_STRIDE + R_TYPE];
}

export function rrsetTtl(zone: CompiledZone, rrset: number): number {
  return zone.rrsets[rrset * RRSET_STRIDE + R_TTL];
}

export function rrsetCount(zone: CompiledZone, rrset: number): number {
  return zone.rrsets[rrset * RRSET_STRIDE + R_COUNT];
}

/** Offset in `rdata` of the RRset's first RR (RDLENGTH, then RDATA); rrsetDataEnd is one past its last. */
export function rrsetDataOff(zone: CompiledZone, rrset: number): number {
  return zone.rrsets[rrset * RRSET_STRIDE + R_DATA_OFF];
}

export function rrsetDataEnd(zone: CompiledZone, rrset: number): number {
  return zone.rrsets[rrset * RRSET_STRIDE + R_DATA_END];
}

/** Offset in `targets` of the node index of each RR's in-zone target (NS/MX/SRV), or -1. */
export function rrsetTargets(zone: CompiledZone, rrset: number): number {
  return zone.rrsets[rrset * RRSET_STRIDE + R_TARGETS];
}

/** The wire name in the first RDATA of a single-name RRset (CNAME, DNAME): its offset in `rdata`. */
export function rrsetFirstName(zone: CompiledZone, rrset: number): number {
  return zone.rrsets[rrset * RRSET_STRIDE + R_DATA_OFF] + 2;
}

/** Whether node `node`'s name is `ancestor`'s name or below it. */
export function isSubdomainNode(zone: CompiledZone, node: number, ancestor: number): boolean {
  const names = zone.names;
  return isSubdomain(names, nodeNameOff(zone, node), nodeNameLen(zone, node), names, nodeNameOff(zone, ancestor), nodeNameLen(zone, ancestor));
}

/** A copy of `a` in a SharedArrayBuffer: every data-path thread can then read the one copy. */
function shared<T extends Int32Array | Uint8Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const buf = new SharedArrayBuffer(a.byteLength);
  const copy = (a instanceof Int32Array ? new Int32Array(buf) : new Uint8Array(buf)) as T;
  copy.set(a);
  return copy;
}

/**
 * Moves the zone's arrays into SharedArrayBuffers, one at a time so the peak holds only one spare
 * array. Posting the result to a thread shares the memory instead of copying or detaching it.
 */
export function shareZone(zone: CompiledZone): void {
  zone.names = shared(zone.names);
  zone.nodes = shared(zone.nodes);
  zone.hashTable = shared(zone.hashTable);
  zone.rrsets = shared(zone.rrsets);
  zone.rdata = shared(zone.rdata);
  zone.targets = shared(zone.targets);
  zone.apexName = shared(zone.apexName);
}

export function isShared(zone: CompiledZone): boolean {
  return zone.rdata.buffer instanceof SharedArrayBuffer;
}
