// The set of zones being served, found by the longest apex that is a suffix of the query name.

import type { CompiledZone } from '../zone/compiled/compiled.js';
import { bytesEqual, hashNameBackward } from '../wire/name.js';
import type { NameKey } from '../wire/name-key.js';

export class ZoneSet {
  private readonly byApexHash = new Map<number, CompiledZone[]>();
  /**
   * The label counts of the apexes served, longest first: a query name is looked up only at those
   * suffixes (one Map lookup for a typical single-depth fleet), not at every suffix.
   */
  private readonly depths: number[];

  /** Secondary zones past their expiry: found as usual, answered SERVFAIL. Null (one check per query) when none. */
  readonly expired: ReadonlySet<CompiledZone> | null;

  /** When each secondary zone expires (epoch ms), for the EDNS EXPIRE option; null when there are none. */
  readonly expiresAt: ReadonlyMap<CompiledZone, number> | null;

  constructor(readonly zones: readonly CompiledZone[], expired: ReadonlySet<CompiledZone> | null = null, expiresAt: ReadonlyMap<CompiledZone, number> | null = null) {
    this.expiresAt = expiresAt !== null && expiresAt.size > 0 ? expiresAt : null;
    this.expired = expired !== null && expired.size > 0 ? expired : null;
    for (const zone of zones) {
      const hash = hashNameBackward(zone.apexName, 0, zone.apexName.length) | 0;
      const list = this.byApexHash.get(hash);
      if (list) list.push(zone);
      else this.byApexHash.set(hash, [zone]);
    }
    this.depths = [...new Set(zones.map((z) => z.apexLabels))].sort((a, b) => b - a);
  }

  get size(): number {
    return this.zones.length;
  }

  /**
   * The zone with the longest apex at or above the name, or null (then the answer is REFUSED).
   * A DS lives on the parent side of a cut (RFC 4035 section 3.1.4.1), so for DS the zone whose apex
   * is the name itself is passed over when a parent zone is served too.
   */
  find(key: NameKey, forDs: boolean): CompiledZone | null {
    let apexMatch: CompiledZone | null = null;
    for (let d = 0; d < this.depths.length; d++) {
      const i = key.count - this.depths[d];
      if (i < 0) continue;
      const list = this.byApexHash.get(key.hashes[i]);
      if (list === undefined) continue;
      const off = key.labels[i];
      const len = key.len - off;
      for (let j = 0; j < list.length; j++) {
        const apex = list[j].apexName;
        if (apex.length !== len || !bytesEqual(apex, 0, key.bytes, off, len)) continue;
        if (forDs && i === 0 && key.count > 0) {
          apexMatch = list[j];
          break;
        }
        return list[j];
      }
    }
    return apexMatch;
  }
}
