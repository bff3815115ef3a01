// Turns a stream of parsed records into a CompiledZone: names hashed, RRsets grouped and wire-encoded, cuts marked.

import { GrowableBytes, GrowableInt32, zoneInt32Array } from './growable.js';
import type { ZoneProblem, ZoneRecord } from '../records/record.js';
import {
  type CompiledZone,
  NODE_STRIDE, N_NAME_OFF, N_NAME_LEN, N_FLAGS, N_FIRST_RRSET, N_RRSET_COUNT, N_CUT, N_WILDCARD, N_HASH,
  F_APEX, F_DELEGATION, F_DNAME, F_CNAME,
  RRSET_STRIDE, R_TTL, R_DATA_OFF,
  findNode, findSignatures, Denial,
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

export class ZoneCompiler {
  private readonly apex: Uint8Array;
  private readonly names = new GrowableBytes(1 << 16);
  private readonly nodeNameOff = new GrowableInt32();
  private readonly nodeNameLen = new GrowableInt32();
  private readonly nodeHash = new GrowableInt32();
  private readonly nodeParent = new GrowableInt32();
  private hashTable: Int32Array = new Int32Array(1024);
  private readonly recNode = new GrowableInt32();
  private readonly recType = new GrowableInt32();
  private readonly recTtl = new GrowableInt32();
  private readonly recLine = new GrowableInt32();
  private readonly recOff = new GrowableInt32();
  private readonly rdataIn = new GrowableBytes(1 << 16);
  private readonly scratch = new Uint8Array(256);
  private readonly errors: ZoneProblem[] = [];
  private readonly warnings: ZoneProblem[] = [];
  private readonly files: string[] = [];
  private readonly recFile = new GrowableInt32();

  constructor(origin: Uint8Array, private readonly file: string) {
    this.apex = new Uint8Array(nameLength(origin, 0));
    copyNameLower(origin, 0, this.apex, 0);
    this.internNode(this.apex, 0, this.apex.length);
  }

  add(rec: ZoneRecord): void {
    const len = copyNameLower(rec.owner, 0, this.scratch, 0);
    if (!isSubdomain(this.scratch, 0, len, this.apex, 0, this.apex.length)) {
      this.errors.push({ file: rec.file, line: rec.line, message: `${nameToString(rec.owner)} is outside the zone ${nameToString(this.apex)}` });
      return;
    }
    let fileIndex = this.files.length - 1;
    if (fileIndex < 0 || this.files[fileIndex] !== rec.file) {
      fileIndex = this.files.indexOf(rec.file);
      if (fileIndex < 0) fileIndex = this.files.push(rec.file) - 1;
    }
    this.recNode.push(this.internNode(this.scratch, 0, len));
    this.recType.push(rec.type);
    this.recTtl.push(rec.ttl);
    this.recLine.push(rec.line);
    this.recFile.push(fileIndex);
    this.recOff.push(this.rdataIn.length);
    this.rdataIn.pushU16(rec.rdata.length);
    this.rdataIn.append(rec.rdata);
  }

  /** Reports a problem found outside the compiler (the parser's), so that finish() fails the zone. */
  addError(p: ZoneProblem): void {
    this.errors.push(p);
  }

  get recordCount(): number {
    return this.recNode.length;
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
    if (len > this.apex.length) this.nodeParent.data[node] = this.internNode(buf, off + buf[off] + 1, len - buf[off] - 1);
    return node;
  }

  private sameName(node: number, buf: Uint8Array, off: number, len: number): boolean {
    const names = this.names.data;
    const at = this.nodeNameOff.data[node];
    for (let i = 0; i < len; i++) if (names[at + i] !== buf[off + i]) return false;
    return true;
  }

  private rehash(size: number): void {
    const table = zoneInt32Array(size);
    const mask = size - 1;
    for (let n = 0; n < this.nodeNameOff.length; n++) {
      let slot = this.nodeHash.data[n] & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = n + 1;
    }
    this.hashTable = table;
  }

  finish(): CompileResult {
    const nodeCount = this.nodeNameOff.length;
    const recCount = this.recNode.length;
    // Counting sort of records by node: O(n), no comparator calls over a million records.
    const start = new Int32Array(nodeCount + 1);
    for (let r = 0; r < recCount; r++) start[this.recNode.data[r] + 1]++;
    for (let n = 0; n < nodeCount; n++) start[n + 1] += start[n];
    const order = new Int32Array(recCount);
    const fill = start.slice(0, nodeCount);
    for (let r = 0; r < recCount; r++) order[fill[this.recNode.data[r]]++] = r;

    const nodes = zoneInt32Array(nodeCount * NODE_STRIDE);
    const rrsets = new GrowableInt32(Math.max(1024, nodeCount * RRSET_STRIDE));
    const rdata = new GrowableBytes(Math.max(1 << 16, this.rdataIn.length));
    const targetNames: number[] = []; // per target: targets index, rdata offset of the name, owner node, line, type, file index
    let kept = 0;
    let soaRRset = -1;
    // Where each name's first record is: DNSSEC chain problems are reported at it.
    const nodeLine = new Int32Array(nodeCount);
    const nodeFile = new Int32Array(nodeCount);
    const view: NodeView = { node: 0, types: [], counts: [], lines: [], isApex: false, file: this.file };
    const byType: number[] = [];

    for (let n = 0; n < nodeCount; n++) {
      const base = n * NODE_STRIDE;
      nodes[base + N_NAME_OFF] = this.nodeNameOff.data[n];
      nodes[base + N_NAME_LEN] = this.nodeNameLen.data[n];
      nodes[base + N_HASH] = this.nodeHash.data[n];
      nodes[base + N_CUT] = -1;
      nodes[base + N_WILDCARD] = -1;
      nodes[base + N_FIRST_RRSET] = rrsets.length / RRSET_STRIDE;
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
      const recType = this.recType.data;
      // RRSIGs are grouped per covered type, each group with its own TTL (RFC 4034 section 3).
      if (byType.length > 1) byType.sort((a, b) => recType[a] - recType[b] || this.covered(a) - this.covered(b) || a - b);
      view.types.length = 0;
      view.counts.length = 0;
      view.lines.length = 0;
      view.isApex = isApex;
      let rrsetCount = 0;
      for (let i = 0; i < byType.length; ) {
        const type = recType[byType[i]];
        let j = i;
        const covers = this.covered(byType[i]);
        while (j < byType.length && recType[byType[j]] === type && this.covered(byType[j]) === covers) j++;
        const row = rrsets.length;
        const first = byType[i];
        const ttl = this.recTtl.data[first];
        const dataOff = rdata.length;
        const tOff = targetOffset(type);
        const firstTarget = targetNames.length / TARGET_TUPLE;
        let count = 0;
        for (let k = i; k < j; k++) {
          const r = byType[k];
          if (this.recTtl.data[r] !== ttl) {
            this.warnings.push({
              file: this.files[this.recFile.data[r]], line: this.recLine.data[r],
              message: `TTL ${this.recTtl.data[r]} differs from ${ttl} within the RRset; using ${ttl} (RFC 2181 section 5.2)`,
            });
          }
          if (this.isDuplicate(r, rdata.data, dataOff, rdata.length)) continue;
          if (type === T_RRSIG) this.noteExpiry(r, n);
          const off = this.recOff.data[r];
          const len = 2 + ((this.rdataIn.data[off] << 8) | this.rdataIn.data[off + 1]);
          const at = rdata.append(this.rdataIn.data, off, len);
          if (tOff >= 0) targetNames.push(targetNames.length / TARGET_TUPLE, at + 2 + tOff, n, this.recLine.data[r], type, this.recFile.data[r]);
          count++;
        }
        kept += count;
        rrsets.push(type);
        rrsets.push(ttl);
        rrsets.push(count);
        rrsets.push(dataOff);
        rrsets.push(rdata.length);
        rrsets.push(tOff < 0 ? -1 : firstTarget);
        if (type === T_SOA && isApex) soaRRset = row / RRSET_STRIDE;
        if (type === T_NS && !isApex) flags |= F_DELEGATION;
        if (type === T_DNAME) flags |= F_DNAME;
        if (type === T_CNAME) flags |= F_CNAME;
        view.types.push(type);
        view.counts.push(count);
        view.lines.push(this.recLine.data[first]);
        rrsetCount++;
        i = j;
      }
      view.file = this.files[this.recFile.data[byType[0]]];
      nodeLine[n] = this.recLine.data[byType[0]];
      nodeFile[n] = this.recFile.data[byType[0]];
      view.node = n;
      checkNode(view, this.errors, this.nameOf);
      nodes[base + N_FLAGS] = flags;
      nodes[base + N_RRSET_COUNT] = rrsetCount;
    }

    this.linkTree(nodes, nodeCount);
    const first = this.firstLine();
    // The per-record scratch is done with: let it go before the exact-size copies below are made.
    for (const g of [this.recNode, this.recType, this.recTtl, this.recLine, this.recOff, this.recFile, this.rdataIn]) g.release();
    const zone: CompiledZone = {
      meta: { origin: nameToString(this.apex), serial: 0, records: kept, file: this.file, loadedAt: Date.now(), signatureExpiry: 0, signatureExpiryWhere: '', signatureExpiryRecord: '' },
      apex: 0,
      apexName: this.apex,
      apexLabels: labelCount(this.apex, 0),
      names: this.names.toArray(),
      nodes,
      hashTable: this.hashTable,
      rrsets: rrsets.toArray(),
      rdata: rdata.toArray(),
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
    this.resolveTargets(zone, targetNames);
    if (zone.signed) {
      const order = canonicalOrder(zone, this.nodeParent.data, nodeCount);
      buildDenialIndex(zone, order);
      const files = this.files.length ? this.files : [this.file];
      checkDenialChain(zone, order, { file: (n) => files[nodeFile[n]], line: (n) => nodeLine[n] }, this.warnings);
    }
    checkZone(zone, first, this.errors);
    if (soaRRset >= 0) {
      const base = soaRRset * RRSET_STRIDE;
      const p = zone.rrsets[base + R_DATA_OFF] + 2;
      const afterNames = p + nameLength(zone.rdata, p);
      const fields = afterNames + nameLength(zone.rdata, afterNames);
      const dv = new DataView(zone.rdata.buffer, zone.rdata.byteOffset);
      zone.meta.serial = dv.getUint32(fields);
      zone.negativeTtl = Math.min(zone.rrsets[base + R_TTL], dv.getUint32(fields + 16));
    }
    return { zone: this.errors.length ? null : zone, errors: this.errors, warnings: this.warnings };
  }

  /** The type an RRSIG record covers (0 for other types), read from the scratch RDATA. */
  private covered(r: number): number {
    if (this.recType.data[r] !== T_RRSIG) return 0;
    const off = this.recOff.data[r] + 2;
    return (this.rdataIn.data[off] << 8) | this.rdataIn.data[off + 1];
  }

  private earliestExpiry = 0;
  private earliestExpiryWhere = '';
  private earliestExpiryRecord = '';

  /** Keeps the earliest signature expiration (RFC 4034 section 3.1.5) and where it is. */
  private noteExpiry(r: number, node: number): void {
    const off = this.recOff.data[r] + 2 + 8;
    const d = this.rdataIn.data;
    const expiry = ((d[off] << 24) | (d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3]) >>> 0;
    if (this.earliestExpiry !== 0 && expiry >= this.earliestExpiry) return;
    this.earliestExpiry = expiry;
    this.earliestExpiryWhere = `${this.files[this.recFile.data[r]]}:${this.recLine.data[r]}`;
    this.earliestExpiryRecord = `${this.nameOf(node)} RRSIG(${typeToText(this.covered(r))})`;
  }

  private readonly nameOf = (node: number): string => nameToString(this.names.data, this.nodeNameOff.data[node]);

  private firstLine(): { file: string; line: number } {
    return { file: this.file, line: this.recLine.length ? this.recLine.data[0] : 0 };
  }

  /** RFC 2181 section 5: an RRset is a set; identical records are merged. */
  private isDuplicate(r: number, out: Uint8Array, from: number, to: number): boolean {
    const src = this.rdataIn.data;
    const off = this.recOff.data[r];
    const len = 2 + ((src[off] << 8) | src[off + 1]);
    for (let p = from; p < to; ) {
      const l = 2 + ((out[p] << 8) | out[p + 1]);
      if (l === len) {
        let same = true;
        for (let i = 2; i < len; i++) if (out[p + i] !== src[off + i]) { same = false; break; }
        if (same) return true;
      }
      p += l;
    }
    return false;
  }

  /** Marks wildcard children and, for each node, the topmost NS/DNAME cut above it. */
  private linkTree(nodes: Int32Array, nodeCount: number): void {
    const parent = this.nodeParent.data;
    const names = this.names.data;
    const done = new Uint8Array(nodeCount);
    done[0] = 1;
    const path: number[] = [];
    for (let n = 1; n < nodeCount; n++) {
      const off = this.nodeNameOff.data[n];
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
  private resolveTargets(zone: CompiledZone, targetNames: number[]): void {
    const name = this.scratch;
    for (let i = 0; i < targetNames.length; i += TARGET_TUPLE) {
      const len = copyNameLower(zone.rdata, targetNames[i + 1], name, 0);
      const inZone = isSubdomain(name, 0, len, this.apex, 0, this.apex.length);
      const target = inZone ? findNode(zone, hashNameBackward(name, 0, len), name, 0, len) : -1;
      zone.targets[targetNames[i]] = target;
      const owner = targetNames[i + 2];
      const base = owner * NODE_STRIDE;
      if (targetNames[i + 4] !== T_NS || !(zone.nodes[base + N_FLAGS] & F_DELEGATION)) continue;
      if (isSubdomain(name, 0, len, zone.names, zone.nodes[base + N_NAME_OFF], zone.nodes[base + N_NAME_LEN])) {
        checkGlue(zone, owner, target, nameToString(name), { file: this.files[targetNames[i + 5]], line: targetNames[i + 3] }, this.errors, this.nameOf);
      }
    }
  }
}

/** Whether an RRSIG at the node covers the given type. */
function hasSignatureOver(zone: CompiledZone, node: number, type: number): boolean {
  return findSignatures(zone, node, type) >= 0;
}
