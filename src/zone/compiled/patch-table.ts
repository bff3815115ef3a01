// The name hash table of a zone being patched: a copy of the served one (grown if the new names need it), with
// insertion and deletion for linear probing, so lookups never see a tombstone.

import { NODE_STRIDE, N_HASH } from './compiled.js';
import { zoneInt32Array } from './growable.js';

export class ZoneTable {
  private constructor(readonly array: Int32Array, private readonly nodes: Int32Array) {}

  /** A copy of `table` with room for `extra` more names at the compiler's load factor (at most one half). */
  static copy(table: Int32Array, nodes: Int32Array, extra: number): ZoneTable {
    let used = 0;
    for (let i = 0; i < table.length; i++) if (table[i] !== 0) used++;
    let size = table.length;
    while ((used + extra + 1) * 2 > size) size *= 2;
    if (size === table.length) {
      const copy = zoneInt32Array(size);
      copy.set(table);
      return new ZoneTable(copy, nodes);
    }
    const grown = new ZoneTable(zoneInt32Array(size), nodes);
    for (let i = 0; i < table.length; i++) if (table[i] !== 0) grown.insert(table[i] - 1, nodes[(table[i] - 1) * NODE_STRIDE + N_HASH]);
    return grown;
  }

  /** The served table itself, for a diff that neither adds nor removes names (lookups only). */
  static readOnly(table: Int32Array, nodes: Int32Array): ZoneTable {
    return new ZoneTable(table, nodes);
  }

  insert(node: number, hash: number): void {
    const mask = this.array.length - 1;
    let slot = hash & mask;
    while (this.array[slot] !== 0) slot = (slot + 1) & mask;
    this.array[slot] = node + 1;
  }

  /** Backward-shift deletion: later entries of the probe run move up, so every name stays reachable from its home slot. */
  remove(node: number, hash: number): void {
    const t = this.array;
    const mask = t.length - 1;
    let hole = hash & mask;
    while (t[hole] !== node + 1) {
      if (t[hole] === 0) return;
      hole = (hole + 1) & mask;
    }
    t[hole] = 0;
    for (let j = (hole + 1) & mask; t[j] !== 0; j = (j + 1) & mask) {
      const home = this.nodes[(t[j] - 1) * NODE_STRIDE + N_HASH] & mask;
      // The entry at j may fill the hole unless its home slot lies cyclically in (hole, j].
      const staysPut = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (staysPut) continue;
      t[hole] = t[j];
      t[j] = 0;
      hole = j;
    }
  }

  forEachNode(each: (node: number) => void): void {
    const t = this.array;
    for (let i = 0; i < t.length; i++) if (t[i] !== 0) each(t[i] - 1);
  }
}
