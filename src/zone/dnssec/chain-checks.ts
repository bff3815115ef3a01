// `check` for signed zones: does the NSEC or NSEC3 chain cover every name, and does NSEC3PARAM match the chain?

import {
  type CompiledZone, Denial, NODE_STRIDE, N_NAME_OFF, N_FLAGS, N_CUT, N_RRSET_COUNT, F_NSEC3_OWNER, F_DELEGATION,
  NSEC3_HASH_LENGTH, RRSET_STRIDE, R_DATA_OFF, findRRset,
} from '../compiled/compiled.js';
import type { ZoneProblem } from '../records/record.js';
import { lowerOctet, nameToString } from '../../wire/name.js';
import { T_DS, T_NSEC, T_NSEC3 } from '../../wire/constants.js';
import { compareHash, encodeBase32Hex } from './nsec3-hash.js';

const T_NSEC3PARAM = 51;
/** Past this many problems of one kind, one summary line: a broken 1M-name chain must not print 1M lines. */
const MAX_REPORTED = 10;

/** Where each node's first record was read: file and line, for messages. */
export interface NodeLocation {
  file(node: number): string;
  line(node: number): number;
}

class Reporter {
  private readonly counts = new Map<string, number>();
  constructor(private readonly out: ZoneProblem[]) {}
  add(kind: string, file: string, line: number, message: string): void {
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    if (n <= MAX_REPORTED) this.out.push({ file, line, message });
  }
  finish(file: string): void {
    for (const [kind, n] of this.counts) if (n > MAX_REPORTED) this.out.push({ file, line: 0, message: `${n - MAX_REPORTED} more ${kind} not listed` });
  }
}

export function checkDenialChain(zone: CompiledZone, order: Int32Array, at: NodeLocation, warnings: ZoneProblem[]): void {
  const report = new Reporter(warnings);
  if (zone.denial === Denial.Nsec) checkNsec(zone, order, at, report);
  else if (zone.denial === Denial.Nsec3) checkNsec3(zone, order, at, report);
  report.finish(zone.meta.file);
}

const nameOf = (zone: CompiledZone, node: number): string => nameToString(zone.names, zone.nodes[node * NODE_STRIDE + N_NAME_OFF]);

/** A name that the chain must list: authoritative data or a delegation point, not glue, not an NSEC3 owner. */
function mustBeListed(zone: CompiledZone, node: number): boolean {
  const base = node * NODE_STRIDE;
  return zone.nodes[base + N_CUT] < 0 && !(zone.nodes[base + N_FLAGS] & F_NSEC3_OWNER) && zone.nodes[base + N_RRSET_COUNT] > 0;
}

/** RFC 4034 section 4.1.1: each NSEC names the next owner in canonical order; the last one names the apex. */
function checkNsec(zone: CompiledZone, order: Int32Array, at: NodeLocation, report: Reporter): void {
  for (const n of order) {
    if (mustBeListed(zone, n) && findRRset(zone, n, T_NSEC) < 0) report.add('names without NSEC', at.file(n), at.line(n), `${nameOf(zone, n)} has no NSEC record: the NSEC chain does not cover it (RFC 4035 section 2.3)`);
  }
  const owners = zone.nsecOrder;
  for (let i = 0; i < owners.length; i++) {
    const n = owners[i];
    const next = owners[(i + 1) % owners.length];
    const p = zone.rrsets[findRRset(zone, n, T_NSEC) * RRSET_STRIDE + R_DATA_OFF] + 2;
    if (!sameNameIgnoringCase(zone.rdata, p, zone.names, zone.nodes[next * NODE_STRIDE + N_NAME_OFF])) {
      report.add('broken NSEC links', at.file(n), at.line(n), `NSEC at ${nameOf(zone, n)} points to ${nameToString(zone.rdata, p)}, but the next name in the chain is ${nameOf(zone, next)} (RFC 4034 section 4.1.1)`);
    }
  }
}

/** RFC 5155 sections 7.1 and 4: every name hashed into the chain, each NSEC3 linking to the next hash, parameters as NSEC3PARAM says. */
function checkNsec3(zone: CompiledZone, order: Int32Array, at: NodeLocation, report: Reporter): void {
  const apexFile = at.file(zone.apex);
  const param = findRRset(zone, zone.apex, T_NSEC3PARAM);
  const paramAt = param >= 0 ? zone.rrsets[param * RRSET_STRIDE + R_DATA_OFF] + 2 : -1;
  if (param < 0) report.add('missing NSEC3PARAM', apexFile, at.line(zone.apex), `NSEC3-signed zone ${zone.meta.origin} has no NSEC3PARAM at the apex (RFC 5155 section 4)`);
  const rd = zone.rdata;
  const count = zone.nsec3Nodes.length;
  for (let i = 0; i < count; i++) {
    const n = zone.nsec3Nodes[i];
    const p = zone.rrsets[findRRset(zone, n, T_NSEC3) * RRSET_STRIDE + R_DATA_OFF] + 2;
    if (paramAt >= 0 && !sameParams(rd, p, paramAt)) {
      report.add('NSEC3 records with other parameters', at.file(n), at.line(n), `NSEC3 at ${nameOf(zone, n)} has hash algorithm, iterations or salt other than the apex NSEC3PARAM (RFC 5155 section 4)`);
    }
    const hashAt = p + 5 + rd[p + 4];
    const next = (i + 1) % count;
    if (rd[hashAt] !== NSEC3_HASH_LENGTH || compareHash(rd, hashAt + 1, zone.nsec3Hashes, next * NSEC3_HASH_LENGTH, NSEC3_HASH_LENGTH) !== 0) {
      const expected = encodeBase32Hex(zone.nsec3Hashes.subarray(next * NSEC3_HASH_LENGTH, (next + 1) * NSEC3_HASH_LENGTH));
      report.add('broken NSEC3 links', at.file(n), at.line(n), `NSEC3 at ${nameOf(zone, n)} points to ${encodeBase32Hex(rd.subarray(hashAt + 1, hashAt + 1 + rd[hashAt]))}, but the next hash in the chain is ${expected} (RFC 5155 section 3.1.7)`);
    }
  }
  const optOut = anyOptOut(zone);
  for (const n of order) {
    if (zone.nodes[n * NODE_STRIDE + N_CUT] >= 0 || zone.nodes[n * NODE_STRIDE + N_FLAGS] & F_NSEC3_OWNER || zone.nodeNsec3[n] >= 0) continue;
    if (optOut && mayBeOptedOut(zone, n)) continue;
    report.add('names without NSEC3', at.file(n), at.line(n), `${nameOf(zone, n)} has no matching NSEC3: the NSEC3 chain does not cover it (RFC 5155 section 7.1)`);
  }
}

/** Opt-out (RFC 5155 section 6) lets insecure delegations, and empty non-terminals above only those, go unhashed. */
function mayBeOptedOut(zone: CompiledZone, node: number): boolean {
  const flags = zone.nodes[node * NODE_STRIDE + N_FLAGS];
  if (flags & F_DELEGATION) return findRRset(zone, node, T_DS) < 0;
  return zone.nodes[node * NODE_STRIDE + N_RRSET_COUNT] === 0;
}

function anyOptOut(zone: CompiledZone): boolean {
  for (let i = 0; i < zone.nsec3Nodes.length; i++) {
    const p = zone.rrsets[findRRset(zone, zone.nsec3Nodes[i], T_NSEC3) * RRSET_STRIDE + R_DATA_OFF] + 2;
    if (zone.rdata[p + 1] & 1) return true;
  }
  return false;
}

function sameParams(rd: Uint8Array, nsec3: number, param: number): boolean {
  if (rd[nsec3] !== rd[param] || rd[nsec3 + 2] !== rd[param + 2] || rd[nsec3 + 3] !== rd[param + 3] || rd[nsec3 + 4] !== rd[param + 4]) return false;
  for (let i = 0; i < rd[param + 4]; i++) if (rd[nsec3 + 5 + i] !== rd[param + 5 + i]) return false;
  return true;
}

function sameNameIgnoringCase(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number): boolean {
  for (;;) {
    const len = a[aOff];
    if (len !== b[bOff]) return false;
    if (len === 0) return true;
    for (let i = 1; i <= len; i++) if (lowerOctet(a[aOff + i]) !== lowerOctet(b[bOff + i])) return false;
    aOff += len + 1;
    bOff += len + 1;
  }
}

