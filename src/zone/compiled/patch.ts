// Applies an IXFR diff to a compiled zone without compiling it again, so a small change to a big zone is served in
// milliseconds, not after the seconds a full compile takes. The old zone keeps serving until the swap, so the
// arrays are copied, never written in place. Changed names get fresh RRset rows and RDATA at the end; new names join
// the hash table, emptied ones leave it. What the old rows held stays unreferenced until the next full compile.

import {
  type CompiledZone, NODE_STRIDE, N_NAME_OFF, N_NAME_LEN, N_FLAGS, N_FIRST_RRSET, N_RRSET_COUNT, N_CUT, N_WILDCARD, N_HASH,
  F_APEX, F_DELEGATION, F_DNAME, F_CNAME, F_NSEC3_OWNER, F_REMOVED, RRSET_STRIDE, R_TYPE, R_TTL, R_COUNT, R_DATA_OFF, R_DATA_END,
  R_TARGETS, Denial, findNode, findSignatures, takeSoaFields,
} from './compiled.js';
import { targetOffset } from './compiler.js';
import { copyInto, withRoom, zoneInt32Array } from './growable.js';
import { type NameDraft, PatchRefused, ZoneChanges } from './patch-changes.js';
import { ZoneTable } from './patch-table.js';
import { forEachPacked } from '../records/packed-records.js';
import { checkGlue, checkNode, checkZone, type NodeView } from '../records/checks.js';
import type { ZoneProblem } from '../records/record.js';
import { copyNameLower, hashNameBackward, isSubdomain, labelCount, nameToString } from '../../wire/name.js';
import { T_CNAME, T_DNAME, T_NS, T_NSEC, T_NSEC3, T_RRSIG, T_SOA } from '../../wire/constants.js';
import { typeToText } from '../text/rdata/types.js';

export { PatchRefused } from './patch-changes.js';

/** One IXFR step (RFC 1995): the records it deletes and adds, each packed (zone/records/packed-records.ts). */
export interface ZoneDiffStep {
  deleted: Uint8Array;
  added: Uint8Array;
}

export interface ZonePatch {
  fromSerial: number;
  toSerial: number;
  steps: ZoneDiffStep[];
}

/** Past this share of unreferenced RDATA (and the floor) the diff is refused; the zone compiled whole drops the holes. */
const MAX_UNREFERENCED_SHARE = 0.25;
export const UNREFERENCED_FLOOR = 1 << 20;
/** Names whose delegation or DNAME status changes; each costs one pass over every name. More: compile whole. */
const MAX_CUT_CHANGES = 16;
const T_NSEC3PARAM = 51;

export function patchZone(zone: CompiledZone, patch: ZonePatch, unreferencedFloor = UNREFERENCED_FLOOR): CompiledZone {
  if (zone.meta.serial !== patch.fromSerial) throw new PatchRefused(`the diff starts at serial ${patch.fromSerial}, the zone served is at ${zone.meta.serial}`);
  const changes = new ZoneChanges(zone);
  for (const step of patch.steps) {
    forEachPacked(step.deleted, (name, type, _ttl, rdata) => changes.remove(name, type, rdata));
    forEachPacked(step.added, (name, type, ttl, rdata) => changes.add(name, type, ttl, rdata));
  }
  for (const t of [T_NSEC, T_NSEC3, T_NSEC3PARAM]) {
    if (changes.touchedTypes.has(t)) throw new PatchRefused(`the diff changes ${typeToText(t)} records; the denial chain is rebuilt by a full compile`);
  }
  const next = new ZonePatcher(zone, changes, unreferencedFloor).build();
  if (next.meta.serial !== patch.toSerial) throw new PatchRefused(`the patched zone has serial ${next.meta.serial}, the diff said ${patch.toSerial}`);
  return next;
}

const live = (d: NameDraft) => d.sets.some((s) => s.rdatas.length > 0);

class ZonePatcher {
  private readonly oldNodes: number;
  private readonly drafts: NameDraft[];
  private readonly created: { name: Uint8Array; hash: number; parent: number }[] = [];
  private readonly nodeOf = new Map<NameDraft, number>();
  private readonly errors: ZoneProblem[] = [];
  /** The NS rows this diff writes at delegations, with their owner: their glue is checked once targets are known. */
  private readonly delegationRows: { row: number; owner: number }[] = [];
  private readonly scratch = new Uint8Array(255);
  private next!: CompiledZone;
  private table!: ZoneTable;

  constructor(private readonly zone: CompiledZone, private readonly changes: ZoneChanges, private readonly unreferencedFloor: number) {
    this.oldNodes = zone.nodes.length / NODE_STRIDE;
    this.drafts = [...changes.names.values()];
  }

  build(): CompiledZone {
    const zone = this.zone;
    this.planNewNames();
    const signedDenial = zone.denial !== Denial.None;
    if (signedDenial && this.created.length) throw new PatchRefused('the diff adds names to a zone with NSEC/NSEC3 denial; rebuilt by a full compile');
    const newRows = this.drafts.reduce((n, d) => n + d.sets.filter((s) => s.rdatas.length).length, 0);
    let newBytes = 0;
    let newTargets = 0;
    let replacedBytes = 0;
    for (const d of this.drafts) {
      for (const s of d.sets) {
        for (const r of s.rdatas) newBytes += 2 + r.length;
        if (targetOffset(s.type) >= 0) newTargets += s.rdatas.length;
      }
      if (d.node >= 0) replacedBytes += this.rowBytes(d.node);
    }
    const unreferenced = (zone.meta.unreferencedBytes ?? 0) + replacedBytes;
    if (unreferenced > Math.max(this.unreferencedFloor, (zone.rdata.length + newBytes) * MAX_UNREFERENCED_SHARE)) {
      throw new PatchRefused(`${unreferenced} octets left unreferenced by earlier diffs; the zone is compiled whole to reclaim them`);
    }
    const nameBytes = this.created.reduce((n, c) => n + c.name.length, 0);
    const nodeCount = this.oldNodes + this.created.length;
    const mayRemove = this.drafts.some((d) => d.node >= 0 && d.node !== zone.apex && !live(d));
    // Arrays only appended to grow in place (withRoom); node rows change, so the node table is always a copy. Old
    // targets are rewritten only when names are created: then they are copied too.
    this.next = {
      ...zone,
      meta: { ...zone.meta, loadedAt: Date.now(), records: zone.meta.records + this.changes.added - this.changes.removed, unreferencedBytes: unreferenced },
      names: withRoom(zone.names, nameBytes),
      nodes: copyInto(zoneInt32Array(nodeCount * NODE_STRIDE), zone.nodes),
      rrsets: withRoom(zone.rrsets, newRows * RRSET_STRIDE),
      rdata: withRoom(zone.rdata, newBytes),
      targets: this.created.length ? copyInto(zoneInt32Array(zone.targets.length + newTargets), zone.targets) : withRoom(zone.targets, newTargets),
    };
    this.table = this.created.length || mayRemove ? ZoneTable.copy(zone.hashTable, this.next.nodes, this.created.length) : ZoneTable.readOnly(zone.hashTable, this.next.nodes);
    this.next.hashTable = this.table.array;
    this.addNodes();
    const cutChanged = this.writeRows(zone.rrsets.length / RRSET_STRIDE, zone.rdata.length, zone.targets.length);
    const removed = this.removeEmptied(cutChanged);
    if (signedDenial && removed) throw new PatchRefused('the diff removes names from a zone with NSEC/NSEC3 denial; rebuilt by a full compile');
    this.linkNewNodes();
    this.relinkCuts(cutChanged);
    this.resolveTargets(zone.rrsets.length / RRSET_STRIDE);
    for (const { row, owner } of this.delegationRows) this.checkGlueOf(row, owner);
    this.finishMeta();
    if (this.errors.length) throw new PatchRefused(`the patched zone would not load: ${this.errors.map((e) => e.message).join('; ')}`);
    return this.next;
  }

  private rowBytes(node: number): number {
    const first = this.zone.nodes[node * NODE_STRIDE + N_FIRST_RRSET];
    const count = this.zone.nodes[node * NODE_STRIDE + N_RRSET_COUNT];
    if (count === 0) return 0;
    return this.zone.rrsets[(first + count - 1) * RRSET_STRIDE + R_DATA_END] - this.zone.rrsets[first * RRSET_STRIDE + R_DATA_OFF];
  }

  /** New names and the empty non-terminals above them, parents first, so each gets its index once. */
  private planNewNames(): void {
    const zone = this.zone;
    const index = new Map<string, number>();
    const key = (n: Uint8Array) => Buffer.from(n.buffer, n.byteOffset, n.length).toString('latin1');
    const ensure = (name: Uint8Array): number => {
      const hash = hashNameBackward(name, 0, name.length);
      const old = findNode(zone, hash, name, 0, name.length);
      if (old >= 0) return old;
      const k = key(name);
      const known = index.get(k);
      if (known !== undefined) return known;
      const parent = ensure(name.subarray(name[0] + 1));
      const node = this.oldNodes + this.created.length;
      this.created.push({ name, hash, parent });
      index.set(k, node);
      return node;
    };
    for (const d of this.drafts) {
      if (d.node < 0 && live(d)) this.nodeOf.set(d, ensure(d.name));
      else if (d.node >= 0) this.nodeOf.set(d, d.node);
    }
  }

  private addNodes(): void {
    const { nodes, names } = this.next;
    let nameOff = this.zone.names.length;
    this.created.forEach((c, i) => {
      const base = (this.oldNodes + i) * NODE_STRIDE;
      names.set(c.name, nameOff);
      nodes[base + N_NAME_OFF] = nameOff;
      nodes[base + N_NAME_LEN] = c.name.length;
      nodes[base + N_HASH] = c.hash | 0;
      nodes[base + N_CUT] = -1;
      nodes[base + N_WILDCARD] = -1;
      nameOff += c.name.length;
      this.table.insert(this.oldNodes + i, c.hash);
    });
  }

  /** Each touched name gets all its RRsets as new rows, sorted as the compiler sorts them. Returns the names whose cut status changed. */
  private writeRows(firstRow: number, dataOff: number, targetOff: number): number[] {
    const { nodes, rrsets, rdata } = this.next;
    let row = firstRow;
    let p = dataOff;
    let t = targetOff;
    const cutChanged: number[] = [];
    const view: NodeView = { node: 0, types: [], counts: [], lines: [], isApex: false, file: this.zone.meta.file };
    for (const d of this.drafts) {
      const node = this.nodeOf.get(d);
      if (node === undefined) continue; // a name added and deleted again within the diff
      const base = node * NODE_STRIDE;
      const sets = d.sets.filter((s) => s.rdatas.length).sort((a, b) => a.type - b.type || a.covered - b.covered);
      const oldFlags = nodes[base + N_FLAGS];
      let flags = oldFlags & (F_APEX | F_NSEC3_OWNER);
      nodes[base + N_FIRST_RRSET] = row;
      nodes[base + N_RRSET_COUNT] = sets.length;
      view.types.length = view.counts.length = view.lines.length = 0;
      for (const s of sets) {
        const r = row * RRSET_STRIDE;
        rrsets[r + R_TYPE] = s.type;
        rrsets[r + R_TTL] = s.ttl;
        rrsets[r + R_COUNT] = s.rdatas.length;
        rrsets[r + R_DATA_OFF] = p;
        for (const one of s.rdatas) {
          rdata[p] = one.length >> 8;
          rdata[p + 1] = one.length & 0xff;
          rdata.set(one, p + 2);
          p += 2 + one.length;
        }
        rrsets[r + R_DATA_END] = p;
        rrsets[r + R_TARGETS] = targetOffset(s.type) >= 0 ? t : -1;
        if (targetOffset(s.type) >= 0) t += s.rdatas.length;
        if (s.type === T_SOA && node === this.zone.apex) this.next.soaRRset = row;
        if (s.type === T_NS && !(flags & F_APEX)) {
          flags |= F_DELEGATION;
          this.delegationRows.push({ row, owner: node });
        }
        if (s.type === T_DNAME) flags |= F_DNAME;
        if (s.type === T_CNAME) flags |= F_CNAME;
        if (view.types.at(-1) !== s.type) {
          view.types.push(s.type);
          view.counts.push(s.rdatas.length);
          view.lines.push(0);
        }
        row++;
      }
      nodes[base + N_FLAGS] = flags;
      if (node < this.oldNodes && (oldFlags & (F_DELEGATION | F_DNAME)) !== (flags & (F_DELEGATION | F_DNAME))) cutChanged.push(node);
      view.node = node;
      view.isApex = node === this.zone.apex;
      checkNode(view, this.errors, this.nameOf);
    }
    if (cutChanged.length > MAX_CUT_CHANGES) throw new PatchRefused(`the diff changes ${cutChanged.length} delegations or DNAMEs of existing names; rebuilt by a full compile`);
    return cutChanged;
  }

  private readonly nameOf = (node: number): string => nameToString(this.next.names, this.next.nodes[node * NODE_STRIDE + N_NAME_OFF]);

  private parentName(node: number): { off: number; len: number } {
    const { nodes, names } = this.next;
    const off = nodes[node * NODE_STRIDE + N_NAME_OFF];
    return { off: off + names[off] + 1, len: nodes[node * NODE_STRIDE + N_NAME_LEN] - names[off] - 1 };
  }

  private parentOf(node: number): number {
    const { off, len } = this.parentName(node);
    return findNode(this.next, hashNameBackward(this.next.names, off, off + len), this.next.names, off, len);
  }

  /**
   * Names left without records leave the zone (NXDOMAIN), unless names below them remain (then they are empty
   * non-terminals, NODATA); an empty non-terminal above a removed name goes too when it has no other child.
   */
  private removeEmptied(cutChanged: number[]): number {
    const { nodes } = this.next;
    const emptied = this.drafts.filter((d) => d.node >= 0 && d.node !== this.zone.apex && !live(d)).map((d) => d.node);
    if (!emptied.length) return 0;
    const children = this.countChildren(emptied);
    const queue = emptied.sort((a, b) => labelCount(this.next.names, nodes[b * NODE_STRIDE + N_NAME_OFF]) - labelCount(this.next.names, nodes[a * NODE_STRIDE + N_NAME_OFF]));
    let removed = 0;
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i];
      if ((children.get(node) ?? 0) > 0) continue;
      const parent = this.parentOf(node);
      this.table.remove(node, nodes[node * NODE_STRIDE + N_HASH]);
      if (nodes[node * NODE_STRIDE + N_FLAGS] & (F_DELEGATION | F_DNAME) && !cutChanged.includes(node)) cutChanged.push(node);
      nodes[node * NODE_STRIDE + N_FLAGS] = F_REMOVED;
      removed++;
      if (parent < 0) continue;
      if (nodes[parent * NODE_STRIDE + N_WILDCARD] === node) nodes[parent * NODE_STRIDE + N_WILDCARD] = -1;
      const left = (children.get(parent) ?? 1) - 1;
      children.set(parent, left);
      if (left === 0 && parent !== this.zone.apex && nodes[parent * NODE_STRIDE + N_RRSET_COUNT] === 0) queue.push(parent);
    }
    return removed;
  }

  /** Children of the emptied names and of their ancestors: one pass over every name, hashing its parent's name. */
  private countChildren(emptied: number[]): Map<number, number> {
    const { nodes, names } = this.next;
    const watched = new Map<number, number[]>();
    for (let n of emptied) {
      for (; n >= 0 && n !== this.zone.apex; n = this.parentOf(n)) {
        const h = nodes[n * NODE_STRIDE + N_HASH];
        const list = watched.get(h) ?? [];
        if (!list.includes(n)) list.push(n);
        watched.set(h, list);
      }
    }
    const children = new Map<number, number>();
    this.table.forEachNode((n) => {
      if (n === this.zone.apex) return;
      const { off, len } = this.parentName(n);
      const list = watched.get(hashNameBackward(names, off, off + len) | 0);
      if (!list) return;
      for (const p of list) {
        if (nodes[p * NODE_STRIDE + N_NAME_LEN] === len && sameName(names, nodes[p * NODE_STRIDE + N_NAME_OFF], off, len)) children.set(p, (children.get(p) ?? 0) + 1);
      }
    });
    return children;
  }

  /** New names: cut inherited from the parent (parents come first), wildcard link on the parent. */
  private linkNewNodes(): void {
    const { nodes, names } = this.next;
    this.created.forEach((c, i) => {
      const node = this.oldNodes + i;
      const base = node * NODE_STRIDE;
      const above = nodes[c.parent * NODE_STRIDE + N_CUT];
      nodes[base + N_CUT] = above >= 0 ? above : nodes[c.parent * NODE_STRIDE + N_FLAGS] & (F_DELEGATION | F_DNAME) ? c.parent : -1;
      const off = nodes[base + N_NAME_OFF];
      if (names[off] === 1 && names[off + 1] === 0x2a) nodes[c.parent * NODE_STRIDE + N_WILDCARD] = node;
    });
  }

  /** Every name below a name that became or stopped being a cut gets its topmost cut again. */
  private relinkCuts(cutChanged: number[]): void {
    if (!cutChanged.length) return;
    const { nodes, names } = this.next;
    const tops = cutChanged.map((n) => ({ off: nodes[n * NODE_STRIDE + N_NAME_OFF], len: nodes[n * NODE_STRIDE + N_NAME_LEN] }));
    this.table.forEachNode((n) => {
      const off = nodes[n * NODE_STRIDE + N_NAME_OFF];
      const len = nodes[n * NODE_STRIDE + N_NAME_LEN];
      if (!tops.some((t) => len > t.len && isSubdomain(names, off, len, names, t.off, t.len))) return;
      const ancestors: number[] = [];
      for (let a = this.parentOf(n); a >= 0; a = a === this.zone.apex ? -1 : this.parentOf(a)) ancestors.push(a);
      let cut = -1;
      for (let i = ancestors.length - 1; i >= 0 && cut < 0; i--) if (nodes[ancestors[i] * NODE_STRIDE + N_FLAGS] & (F_DELEGATION | F_DNAME)) cut = ancestors[i];
      nodes[n * NODE_STRIDE + N_CUT] = cut;
    });
  }

  /**
   * The new rows' NS/MX/SRV targets are looked up; so are older targets that found no name before (or a removed
   * one), when this diff creates names: glue added after its delegation is found.
   */
  private resolveTargets(oldRows: number): void {
    const z = this.next;
    const fresh = new Set(this.created.map((c) => c.hash | 0));
    const rows = z.rrsets.length / RRSET_STRIDE;
    for (let r = fresh.size ? 0 : oldRows; r < rows; r++) {
      const base = r * RRSET_STRIDE;
      const first = z.rrsets[base + R_TARGETS];
      if (first < 0) continue;
      const type = z.rrsets[base + R_TYPE];
      const isNew = r >= oldRows;
      let p = z.rrsets[base + R_DATA_OFF];
      for (let i = 0; i < z.rrsets[base + R_COUNT]; i++) {
        const old = z.targets[first + i];
        if (isNew || old < 0 || z.nodes[old * NODE_STRIDE + N_FLAGS] & F_REMOVED) {
          const len = copyNameLower(z.rdata, p + 2 + targetOffset(type), this.scratch, 0);
          const hash = hashNameBackward(this.scratch, 0, len);
          if (isNew || fresh.has(hash | 0)) {
            const inZone = isSubdomain(this.scratch, 0, len, z.apexName, 0, z.apexName.length);
            z.targets[first + i] = inZone ? findNode(z, hash, this.scratch, 0, len) : -1;
          }
        }
        p += 2 + ((z.rdata[p] << 8) | z.rdata[p + 1]);
      }
    }
  }

  private checkGlueOf(row: number, owner: number): void {
    const z = this.next;
    const base = row * RRSET_STRIDE;
    let p = z.rrsets[base + R_DATA_OFF];
    for (let i = 0; i < z.rrsets[base + R_COUNT]; i++) {
      const len = copyNameLower(z.rdata, p + 2, this.scratch, 0);
      if (isSubdomain(this.scratch, 0, len, z.names, z.nodes[owner * NODE_STRIDE + N_NAME_OFF], z.nodes[owner * NODE_STRIDE + N_NAME_LEN])) {
        checkGlue(z, owner, z.targets[z.rrsets[base + R_TARGETS] + i], nameToString(this.scratch), { file: z.meta.file, line: 0 }, this.errors, this.nameOf);
      }
      p += 2 + ((z.rdata[p] << 8) | z.rdata[p + 1]);
    }
  }

  private finishMeta(): void {
    const z = this.next;
    checkZone(z, { file: z.meta.file, line: 0 }, this.errors);
    if (z.soaRRset < 0) return;
    takeSoaFields(z);
    if (findSignatures(z, z.apex, T_SOA) >= 0 !== this.zone.signed) throw new PatchRefused('the diff signs or unsigns the zone; rebuilt by a full compile');
    if (this.zone.signed && this.changes.touchedTypes.has(T_RRSIG)) this.noteEarliestExpiry();
  }

  /** RFC 4034 section 3.1.5: the earliest signature expiration among the names still in the zone. */
  private noteEarliestExpiry(): void {
    const z = this.next;
    let earliest = 0;
    let where = -1;
    let row = -1;
    this.table.forEachNode((n) => {
      const first = z.nodes[n * NODE_STRIDE + N_FIRST_RRSET];
      for (let r = first; r < first + z.nodes[n * NODE_STRIDE + N_RRSET_COUNT]; r++) {
        if (z.rrsets[r * RRSET_STRIDE + R_TYPE] !== T_RRSIG) continue;
        for (let p = z.rrsets[r * RRSET_STRIDE + R_DATA_OFF]; p < z.rrsets[r * RRSET_STRIDE + R_DATA_END]; p += 2 + ((z.rdata[p] << 8) | z.rdata[p + 1])) {
          const e = ((z.rdata[p + 10] << 24) | (z.rdata[p + 11] << 16) | (z.rdata[p + 12] << 8) | z.rdata[p + 13]) >>> 0;
          if (earliest === 0 || e < earliest) [earliest, where, row] = [e, n, r];
        }
      }
    });
    z.meta.signatureExpiry = earliest;
    if (where < 0) return;
    const p = z.rrsets[row * RRSET_STRIDE + R_DATA_OFF] + 2;
    z.meta.signatureExpiryWhere = `${z.meta.file} (IXFR to serial ${z.meta.serial})`;
    z.meta.signatureExpiryRecord = `${this.nameOf(where)} RRSIG(${typeToText((z.rdata[p] << 8) | z.rdata[p + 1])})`;
  }
}

function sameName(names: Uint8Array, a: number, b: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (names[a + i] !== names[b + i]) return false;
  return true;
}
