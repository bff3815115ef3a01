// Turns a stream of parsed records into a CompiledZone: names hashed, RRsets grouped and wire-encoded, cuts marked.

import { RecordScratch } from './record-scratch.js';
import { GrowableBytes, GrowableInt32, asZoneArray, fitted, freeNow, zoneInt32Array, zoneUint8Array } from './growable.js';
import type { ZoneProblem, ZoneRecord } from '../records/record.js';
import {
  type CompiledZone,
  NODE_STRIDE, N_NAME_OFF, N_NAME_LEN, N_FLAGS, N_FIRST_RRSET, N_RRSET_COUNT, N_CUT, N_WILDCARD, N_HASH,
  F_APEX, F_DELEGATION, F_DNAME, F_CNAME,
  RRSET_STRIDE, R_TYPE, R_TTL, R_COUNT, R_DATA_OFF, R_DATA_END, R_TARGETS,
  findNode, findSignatures, takeSoaFields, Denial,
} from './compiled.js';
import { buildDenialIndex, canonicalOrder } from '../dnssec/denial-index.js';
import { checkDenialChain } from '../dnssec/chain-checks.js';
import { typeToText } from '../text/rdata/types.js';
import { checkGlue, checkNode, checkZone, type NodeView } from '../records/checks.js';
import { copyNameLower, hashNameBackward, isSubdomain, labelCount, nameLength, nameToString } from '../../wire/name.js';
import { T_CNAME, T_DNAME, T_MX, T_NS, T_RRSIG, T_SOA, T_SRV } from '../../wire/constants.js';

const TARGET_TUPLE = 6;

export interface CompileResult {
  zone: CompiledZone | null;
  errors: ZoneProblem[];
  warnings: ZoneProblem[];
}

/** Where the name that additional-section processing follows sits inside the RDATA, or -1. */
export function targetOffset(type: number): number {
  if (type === T_NS) return 0;
  if (type === T_MX) return 2;
  if (type === T_SRV) return 6;
  return -1;
}

/**
 * What the compiler can expect, to size its scratch once instead of doubling it: the file's line
 * count bounds its records, its size roughly bounds their RDATA. A wrong guess only costs a copy.
 */
export interface SizeHint {
  records: number;
  bytes: number;
}

export class ZoneCompiler {
  private readonly apex: Uint8Array;
  private readonly names: GrowableBytes;
  private readonly nodeNameOff: GrowableInt32;
  private readonly nodeNameLen: GrowableInt32;
  private readonly nodeHash: GrowableInt32;
  private readonly nodeParent: GrowableInt32;
  private hashTable: Int32Array = new Int32Array(1024);
  private readonly recs: RecordScratch;
  private readonly scratch = new Uint8Array(256);
  private readonly errors: ZoneProblem[] = [];
  private readonly warnings: ZoneProblem[] = [];
  /** Where nameOf() reads names: the scratch while compiling, then the final zone's arrays. */
  private nameBytes: Uint8Array | null = null;
  private nodeTable: Int32Array | null = null;

  constructor(origin: Uint8Array, private readonly file: string, hint: SizeHint = { records: 1024, bytes: 1 << 16 }) {
    this.apex = new Uint8Array(nameLength(origin, 0));
    copyNameLower(origin, 0, this.apex, 0);
    // Pages of a generous guess that are never written are never resident, so guessing high is cheap.
    const records = Math.max(1024, hint.records + 1);
    this.names = new GrowableBytes(Math.max(1 << 16, hint.bytes + records * (this.apex.length + 1)));
    this.nodeNameOff = new GrowableInt32(records);
    this.nodeNameLen = new GrowableInt32(records);
    this.nodeHash = new GrowableInt32(records);
    this.nodeParent = new GrowableInt32(records);
    this.recs = new RecordScratch(records, hint.bytes);
    this.internNode(this.apex, 0, this.apex.length);
  }

  add(rec: ZoneRecord): void {
    const len = copyNameLower(rec.owner, 0, this.scratch, 0);
    if (!isSubdomain(this.scratch, 0, len, this.apex, 0, this.apex.length)) {
      this.errors.push({ file: rec.file, line: rec.line, message: `${nameToString(rec.owner)} is outside the zone ${nameToString(this.apex)}` });
      return;
    }
    this.recs.add(this.internNode(this.scratch, 0, len), rec);
  }

  /** Reports a problem found outside the compiler (the parser's), so that finish() fails the zone. */
  addError(p: ZoneProblem): void {
    this.errors.push(p);
  }

  get recordCount(): number {
    return this.recs.count;
  }

  /** Finds or creates the node for a lower-case name, creating empty non-terminals up to the apex. */
  private internNode(buf: Uint8Array, off: number, len: number): number {
    const hash = hashNameBackward(buf, off, off + len);
    const mask = this.hashTable.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = this.hashTable[slot];
      if (entry === 0) break;
      const n = entry - 1;
      if (this.nodeHash.data[n] === (hash | 0) && this.nodeNameLen.data[n] === len && this.sameName(n, buf, off, len)) return n;
      slot = (slot + 1) & mask;
    }
    const node = this.nodeNameOff.length;
    this.nodeNameOff.push(this.names.append(buf, off, len));
    this.nodeNameLen.push(len);
    this.nodeHash.push(hash | 0);
    this.nodeParent.push(-1);
    this.hashTable[slot] = node + 1;
    if ((node + 1) * 2 > this.hashTable.length) this.rehash(this.hashTable.length * 2);
    if (len > this.apex.length) {
      // The parent first: creating it may grow nodeParent, and `nodeParent.data[node] = intern(...)` would write the old array.
      const parent = this.internNode(buf, off + buf[off] + 1, len - buf[off] - 1);
      this.nodeParent.data[node] = parent;
    }
    return node;
  }

  private sameName(node: number, buf: Uint8Array, off: number, len: number): boolean {
    const names = this.names.data;
    const at = this.nodeNameOff.data[node];
    for (let i = 0; i < len; i++) if (names[at + i] !== buf[off + i]) return false;
    return true;
  }

  private rehash(size: number): void {
    const table = new Int32Array(size);
    const mask = size - 1;
    for (let n = 0; n < this.nodeNameOff.length; n++) {
      let slot = this.nodeHash.data[n] & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = n + 1;
    }
    freeNow(this.hashTable);
    this.hashTable = table;
  }

  finish(): CompileResult {
    const nodeCount = this.nodeNameOff.length;
    const recs = this.recs;
    const recCount = recs.count;
    // The final node table takes the names' offsets, lengths and hashes first, so their scratch can go now.
    const nodes = zoneInt32Array(nodeCount * NODE_STRIDE);
    for (let n = 0; n < nodeCount; n++) {
      const base = n * NODE_STRIDE;
      nodes[base + N_NAME_OFF] = this.nodeNameOff.data[n];
      nodes[base + N_NAME_LEN] = this.nodeNameLen.data[n];
      nodes[base + N_HASH] = this.nodeHash.data[n];
      nodes[base + N_CUT] = -1;
      nodes[base + N_WILDCARD] = -1;
    }
    this.nodeTable = nodes;
    for (const g of [this.nodeNameOff, this.nodeNameLen, this.nodeHash]) g.release();
    this.hashTable = asZoneArray(this.hashTable);

    // Counting sort of records by node: O(n), no comparator calls over a million records.
    const start = new Int32Array(nodeCount + 1);
    for (let r = 0; r < recCount; r++) start[recs.node.data[r] + 1]++;
    for (let n = 0; n < nodeCount; n++) start[n + 1] += start[n];
    const order = new Int32Array(recCount);
    const fill = start.slice(0, nodeCount);
    for (let r = 0; r < recCount; r++) order[fill[recs.node.data[r]]++] = r;
    freeNow(fill);
    recs.node.release();

    // Made at their upper bounds (an RRset per record, no duplicate dropped) and written in place: no growing, no copy.
    let rrsets = zoneInt32Array(recCount * RRSET_STRIDE);
    let rrsetRows = 0;
    let rdata = zoneUint8Array(recs.rdata.length);
    let rdataLen = 0;
    // Per target: targets index, rdata offset of the name, owner node, line, type, file index. Typed: a JS array's growth leaves garbage.
    const targetNames = new GrowableInt32(1024 * TARGET_TUPLE);
    let kept = 0;
    let soaRRset = -1;
    // Where each name's first record is: DNSSEC chain problems are reported at it (signed zones only).
    const nodeLine = new Int32Array(recs.signatures > 0 ? nodeCount : 0);
    const nodeFile = new Int32Array(recs.signatures > 0 ? nodeCount : 0);
    const view: NodeView = { node: 0, types: [], counts: [], lines: [], isApex: false, file: this.file };
    const byType: number[] = [];

    for (let n = 0; n < nodeCount; n++) {
      const base = n * NODE_STRIDE;
      nodes[base + N_FIRST_RRSET] = rrsetRows;
      const isApex = n === 0;
      let flags = isApex ? F_APEX : 0;
      const from = start[n];
      const to = start[n + 1];
      if (from === to) {
        nodes[base + N_FLAGS] = flags;
        continue;
      }
      byType.length = 0;
      for (let i = from; i < to; i++) byType.push(order[i]);
      const recType = recs.type.data;
      // RRSIGs are grouped per covered type, each group with its own TTL (RFC 4034 section 3).
      if (byType.length > 1) byType.sort((a, b) => recType[a] - recType[b] || recs.covered(a) - recs.covered(b) || a - b);
      view.types.length = 0;
      view.counts.length = 0;
      view.lines.length = 0;
      view.isApex = isApex;
      let rrsetCount = 0;
      for (let i = 0; i < byType.length; ) {
        const type = recType[byType[i]];
        let j = i;
        const covers = recs.covered(byType[i]);
        while (j < byType.length && recType[byType[j]] === type && recs.covered(byType[j]) === covers) j++;
        const first = byType[i];
        const ttl = recs.ttl.data[first];
        const dataOff = rdataLen;
        const tOff = targetOffset(type);
        const firstTarget = targetNames.length / TARGET_TUPLE;
        let count = 0;
        for (let k = i; k < j; k++) {
          const r = byType[k];
          if (recs.ttl.data[r] !== ttl) {
            this.warnings.push({
              file: recs.fileName(r), line: recs.line.data[r],
              message: `TTL ${recs.ttl.data[r]} differs from ${ttl} within the RRset; using ${ttl} (RFC 2181 section 5.2)`,
            });
          }
          if (recs.isDuplicate(r, rdata, dataOff, rdataLen)) continue;
          if (type === T_RRSIG) this.noteExpiry(r, n);
          const off = recs.off.data[r];
          const len = recs.wireLength(r);
          const at = rdataLen;
          rdata.set(recs.rdata.data.subarray(off, off + len), at);
          rdataLen += len;
          if (tOff >= 0) {
            targetNames.push(targetNames.length / TARGET_TUPLE);
            targetNames.push(at + 2 + tOff);
            targetNames.push(n);
            targetNames.push(recs.line.data[r]);
            targetNames.push(type);
            targetNames.push(recs.fileOf(r));
          }
          count++;
        }
        kept += count;
        const row = rrsetRows++ * RRSET_STRIDE;
        rrsets[row + R_TYPE] = type;
        rrsets[row + R_TTL] = ttl;
        rrsets[row + R_COUNT] = count;
        rrsets[row + R_DATA_OFF] = dataOff;
        rrsets[row + R_DATA_END] = rdataLen;
        rrsets[row + R_TARGETS] = tOff < 0 ? -1 : firstTarget;
        if (type === T_SOA && isApex) soaRRset = row / RRSET_STRIDE;
        if (type === T_NS && !isApex) flags |= F_DELEGATION;
        if (type === T_DNAME) flags |= F_DNAME;
        if (type === T_CNAME) flags |= F_CNAME;
        view.types.push(type);
        view.counts.push(count);
        view.lines.push(recs.line.data[first]);
        rrsetCount++;
        i = j;
      }
      view.file = recs.fileName(byType[0]);
      if (nodeLine.length) {
        nodeLine[n] = recs.line.data[byType[0]];
        nodeFile[n] = recs.fileOf(byType[0]);
      }
      view.node = n;
      checkNode(view, this.errors, this.nameOf);
      nodes[base + N_FLAGS] = flags;
      nodes[base + N_RRSET_COUNT] = rrsetCount;
    }

    this.linkTree(nodes, nodeCount);
    const first = this.firstLine();
    // The per-record scratch is done with: it goes before the names' final copy is made.
    recs.release();
    freeNow(start);
    freeNow(order);
    rrsets = fitted(rrsets, rrsetRows * RRSET_STRIDE);
    rdata = fitted(rdata, rdataLen);
    const names = this.names.toZoneArray();
    this.nameBytes = names;
    const zone: CompiledZone = {
      meta: { origin: nameToString(this.apex), serial: 0, records: kept, file: this.file, loadedAt: Date.now(), signatureExpiry: 0, signatureExpiryWhere: '', signatureExpiryRecord: '' },
      apex: 0,
      apexName: this.apex,
      apexLabels: labelCount(this.apex, 0),
      names,
      nodes,
      hashTable: this.hashTable,
      rrsets,
      rdata,
      targets: zoneInt32Array(targetNames.length / TARGET_TUPLE),
      negativeTtl: 0,
      soaRRset,
      signed: false,
      denial: Denial.None,
      nsecOrder: new Int32Array(0),
      nsec3Hashes: new Uint8Array(0),
      nsec3Nodes: new Int32Array(0),
      nodeNsec3: new Int32Array(0),
      nsec3Salt: new Uint8Array(0),
      nsec3Iterations: 0,
    };
    zone.meta.signatureExpiry = this.earliestExpiry;
    zone.meta.signatureExpiryWhere = this.earliestExpiryWhere;
    zone.meta.signatureExpiryRecord = this.earliestExpiryRecord;
    zone.signed = hasSignatureOver(zone, 0, T_SOA);
    this.resolveTargets(zone, targetNames.data, targetNames.length);
    targetNames.release();
    if (zone.signed) {
      const order = canonicalOrder(zone, this.nodeParent.data, nodeCount);
      buildDenialIndex(zone, order);
      const files = recs.files.length ? recs.files : [this.file];
      checkDenialChain(zone, order, { file: (n) => files[nodeFile[n]], line: (n) => nodeLine[n] }, this.warnings);
    }
    checkZone(zone, first, this.errors);
    takeSoaFields(zone);
    return { zone: this.errors.length ? null : zone, errors: this.errors, warnings: this.warnings };
  }

  private earliestExpiry = 0;
  private earliestExpiryWhere = '';
  private earliestExpiryRecord = '';

  /** Keeps the earliest signature expiration (RFC 4034 section 3.1.5) and where it is. */
  private noteExpiry(r: number, node: number): void {
    const expiry = this.recs.expiry(r);
    if (this.earliestExpiry !== 0 && expiry >= this.earliestExpiry) return;
    this.earliestExpiry = expiry;
    this.earliestExpiryWhere = `${this.recs.fileName(r)}:${this.recs.line.data[r]}`;
    this.earliestExpiryRecord = `${this.nameOf(node)} RRSIG(${typeToText(this.recs.covered(r))})`;
  }

  private readonly nameOf = (node: number): string => nameToString(this.nameBytes ?? this.names.data, this.nodeTable![node * NODE_STRIDE + N_NAME_OFF]);

  private firstLine(): { file: string; line: number } {
    return { file: this.file, line: this.recs.line.length ? this.recs.line.data[0] : 0 };
  }

  /** Marks wildcard children and, for each node, the topmost NS/DNAME cut above it. */
  private linkTree(nodes: Int32Array, nodeCount: number): void {
    const parent = this.nodeParent.data;
    const names = this.names.data;
    const done = new Uint8Array(nodeCount);
    done[0] = 1;
    const path: number[] = [];
    for (let n = 1; n < nodeCount; n++) {
      const off = nodes[n * NODE_STRIDE + N_NAME_OFF];
      if (names[off] === 1 && names[off + 1] === 0x2a) nodes[parent[n] * NODE_STRIDE + N_WILDCARD] = n;
      let m = n;
      while (!done[m]) {
        path.push(m);
        m = parent[m];
      }
      while (path.length) {
        const c = path.pop()!;
        const p = parent[c];
        const pflags = nodes[p * NODE_STRIDE + N_FLAGS];
        // The topmost cut wins: everything below it, nested cuts included, belongs to the child zone.
        const above = nodes[p * NODE_STRIDE + N_CUT];
        nodes[c * NODE_STRIDE + N_CUT] = above >= 0 ? above : pflags & (F_DELEGATION | F_DNAME) ? p : -1;
        done[c] = 1;
      }
    }
  }

  /**
   * Precomputes, for each NS/MX/SRV record, the node of its target so that additional data needs
   * no lookup per query; checks glue for delegations on the way.
   */
  private resolveTargets(zone: CompiledZone, targetNames: Int32Array, length: number): void {
    const name = this.scratch;
    for (let i = 0; i < length; i += TARGET_TUPLE) {
      const len = copyNameLower(zone.rdata, targetNames[i + 1], name, 0);
      const inZone = isSubdomain(name, 0, len, this.apex, 0, this.apex.length);
      const target = inZone ? findNode(zone, hashNameBackward(name, 0, len), name, 0, len) : -1;
      zone.targets[targetNames[i]] = target;
      const owner = targetNames[i + 2];
      const base = owner * NODE_STRIDE;
      if (targetNames[i + 4] !== T_NS || !(zone.nodes[base + N_FLAGS] & F_DELEGATION)) continue;
      if (isSubdomain(name, 0, len, zone.names, zone.nodes[base + N_NAME_OFF], zone.nodes[base + N_NAME_LEN])) {
        checkGlue(zone, owner, target, nameToString(name), { file: this.recs.files[targetNames[i + 5]], line: targetNames[i + 3] }, this.errors, this.nameOf);
      }
    }
  }
}

/** Whether an RRSIG at the node covers the given type. */
function hasSignatureOver(zone: CompiledZone, node: number, type: number): boolean {
  return findSignatures(zone, node, type) >= 0;
}
