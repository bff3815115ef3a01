// What one IXFR does to each name it touches: the name's RRsets as they will be, read from the compiled zone the
// first time the name is touched, then edited record by record in the order of the diff.

import {
  type CompiledZone, NODE_STRIDE, N_FIRST_RRSET, N_RRSET_COUNT, RRSET_STRIDE, R_TYPE, R_TTL, R_DATA_OFF, R_DATA_END,
  coveredType, findNode,
} from './compiled.js';
import { copyNameLower, hashNameBackward, isSubdomain, nameToString } from '../../wire/name.js';
import { T_RRSIG, T_SOA } from '../../wire/constants.js';
import { typeToText } from '../text/rdata/types.js';

/** Why a diff is not applied to the compiled zone: the caller then compiles the zone file whole. */
export class PatchRefused extends Error {}

export interface RRsetDraft {
  type: number;
  /** The type an RRSIG set covers (RRSIGs form one set per covered type), else 0. */
  covered: number;
  ttl: number;
  rdatas: Uint8Array[];
}

export interface NameDraft {
  /** Lower-case wire name. */
  name: Uint8Array;
  hash: number;
  /** Its node in the zone being patched, or -1 for a name the diff creates. */
  node: number;
  sets: RRsetDraft[];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const coveredBy = (type: number, rdata: Uint8Array) => (type === T_RRSIG && rdata.length >= 2 ? (rdata[0] << 8) | rdata[1] : 0);

/** A node's RRsets as drafts whose RDATA are views into the zone's array (read, never written). */
function readSets(zone: CompiledZone, node: number): RRsetDraft[] {
  const first = zone.nodes[node * NODE_STRIDE + N_FIRST_RRSET];
  const sets: RRsetDraft[] = [];
  for (let r = first; r < first + zone.nodes[node * NODE_STRIDE + N_RRSET_COUNT]; r++) {
    const base = r * RRSET_STRIDE;
    const type = zone.rrsets[base + R_TYPE];
    const rdatas: Uint8Array[] = [];
    for (let p = zone.rrsets[base + R_DATA_OFF]; p < zone.rrsets[base + R_DATA_END]; ) {
      const len = (zone.rdata[p] << 8) | zone.rdata[p + 1];
      rdatas.push(zone.rdata.subarray(p + 2, p + 2 + len));
      p += 2 + len;
    }
    sets.push({ type, covered: type === T_RRSIG ? coveredType(zone, r) : 0, ttl: zone.rrsets[base + R_TTL], rdatas });
  }
  return sets;
}

export class ZoneChanges {
  readonly names = new Map<string, NameDraft>();
  readonly touchedTypes = new Set<number>();
  added = 0;
  removed = 0;
  private readonly scratch = new Uint8Array(255);

  constructor(private readonly zone: CompiledZone) {}

  remove(owner: Uint8Array, type: number, rdata: Uint8Array): void {
    // An IXFR step deletes the old SOA and adds the new one; the added one replaces the set (see add).
    if (type === T_SOA) return;
    const draft = this.draft(owner);
    const set = draft.sets.find((s) => s.type === type && s.covered === coveredBy(type, rdata));
    const i = set ? set.rdatas.findIndex((r) => sameBytes(r, rdata)) : -1;
    if (!set || i < 0) throw new PatchRefused(`the diff deletes a ${typeToText(type)} record at ${nameToString(draft.name)} that the zone does not hold`);
    set.rdatas.splice(i, 1);
    this.removed++;
    this.touchedTypes.add(type);
  }

  add(owner: Uint8Array, type: number, ttl: number, rdata: Uint8Array): void {
    const draft = this.draft(owner);
    const covered = coveredBy(type, rdata);
    let set = draft.sets.find((s) => s.type === type && s.covered === covered);
    if (!set) {
      set = { type, covered, ttl, rdatas: [] };
      draft.sets.push(set);
    }
    if (type === T_SOA) {
      this.removed += set.rdatas.length;
      set.rdatas = [];
    }
    // RFC 2181 section 5.2: one TTL per RRset; the record the primary sent last sets it.
    set.ttl = ttl;
    this.touchedTypes.add(type);
    if (set.rdatas.some((r) => sameBytes(r, rdata))) return;
    set.rdatas.push(rdata);
    this.added++;
  }

  private draft(owner: Uint8Array): NameDraft {
    const len = copyNameLower(owner, 0, this.scratch, 0);
    const key = Buffer.from(this.scratch.buffer, 0, len).toString('latin1');
    const known = this.names.get(key);
    if (known) return known;
    const apex = this.zone.apexName;
    if (!isSubdomain(this.scratch, 0, len, apex, 0, apex.length)) throw new PatchRefused(`${nameToString(owner)} is outside the zone ${this.zone.meta.origin}`);
    const name = this.scratch.slice(0, len);
    const hash = hashNameBackward(name, 0, len);
    const node = findNode(this.zone, hash, name, 0, len);
    const draft: NameDraft = { name, hash, node, sets: node >= 0 ? readSets(this.zone, node) : [] };
    this.names.set(key, draft);
    return draft;
  }
}
