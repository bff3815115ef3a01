// A transferred zone as a set of records: built from an AXFR, changed by IXFR diffs, written out as a zone file
// that `anycastd check`, the zone compiler and Knot all read (RFC 3597 generic rdata for the less common types).

import { nameToText } from '../zone/text/name-text.js';
import { TYPE, typeToText } from '../zone/text/rdata/types.js';
import { type WireRR, lowerName, soaTimers } from './message.js';
import { type Diff, T_SOA, TransferError } from './stream.js';

export interface SoaFields {
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

function keyOf(rr: WireRR): string {
  return `${Buffer.from(lowerName(rr.name)).toString('latin1')}/${rr.type}/${Buffer.from(rr.rdata).toString('latin1')}`;
}

/** A zone file write given up because the records changed while it was being built. */
export class SupersededWrite extends Error {}

export class ZoneData {
  private readonly records = new Map<string, WireRR>();
  private soaRR: WireRR | null = null;

  constructor(readonly origin: string, records: Iterable<WireRR>) {
    for (const rr of records) this.put(rr);
    if (!this.soaRR) throw new TransferError(`zone ${origin} has no SOA`);
  }

  all(): IterableIterator<WireRR> {
    return this.records.values();
  }

  get size(): number {
    return this.records.size;
  }

  get soa(): SoaFields {
    return soaTimers(this.soaRR!.rdata);
  }

  private put(rr: WireRR): void {
    if (rr.type === T_SOA) {
      if (this.soaRR) this.records.delete(keyOf(this.soaRR));
      this.soaRR = rr;
    }
    this.records.set(keyOf(rr), rr);
  }

  /**
   * Applies IXFR diffs in place, all or nothing: if any step fails (a deletion of a record we do not hold means
   * our copy and the primary's history disagree: fall back to AXFR) every step already taken is undone.
   * In place, because copying a 1.22M-record set for each small IXFR cost seconds (bench/xfr-notify.mjs).
   */
  apply(diffs: Diff[]): void {
    const undo: (() => void)[] = [];
    try {
      for (const diff of diffs) {
        if (diff.from !== this.soa.serial) throw new TransferError(`IXFR diff starts at serial ${diff.from}, we hold ${this.soa.serial}`);
        for (const rr of diff.deleted) {
          if (rr.type === T_SOA) continue;
          const key = keyOf(rr);
          const old = this.records.get(key);
          if (old === undefined) throw new TransferError(`IXFR deletes ${nameToText(rr.name)} type ${rr.type}, which we do not hold`);
          this.records.delete(key);
          undo.push(() => this.records.set(key, old));
        }
        for (const rr of diff.added) {
          const key = keyOf(rr);
          const old = this.records.get(key);
          const soa = this.soaRR;
          this.put(rr);
          undo.push(() => {
            this.records.delete(key);
            if (old !== undefined) this.records.set(key, old);
            if (rr.type === T_SOA && soa) this.put(soa);
          });
        }
      }
    } catch (err) {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]();
      throw err;
    }
  }

  /** The zone file text: $ORIGIN, the SOA first, then every record in a stable order. */
  toText(header: string): string {
    const parts = [this.head(header)];
    for (const rr of this.records.values()) if (rr !== this.soaRR) parts.push(recordText(rr));
    return parts.join('\n') + '\n';
  }

  /**
   * The same text, built in slices with a turn of the event loop between them: for the 1.22M-record zone the
   * whole text takes seconds, which the control plane's health checks must not wait out.
   */
  async toTextInSlices(header: string, superseded: () => boolean = () => false, slice = 20_000): Promise<string> {
    const parts = [this.head(header)];
    let n = 0;
    for (const rr of this.records.values()) {
      if (rr !== this.soaRR) parts.push(recordText(rr));
      if (++n % slice === 0) {
        await new Promise((r) => setImmediate(r));
        // Changed meanwhile (the next IXFR): this text would mix two versions; the newer write takes over.
        if (superseded()) throw new SupersededWrite();
      }
    }
    return parts.join('\n') + '\n';
  }

  /** Insertion order, not sorted: sorting 1.22M lines cost seconds per IXFR and no reader needs it. */
  private head(header: string): string {
    return [`; ${header}`, `$ORIGIN ${this.origin}`, recordText(this.soaRR!)].join('\n');
  }
}

function ipv6Text(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
  return groups.join(':');
}

function rdataText(rr: WireRR): string {
  const d = rr.rdata;
  switch (rr.type) {
    case 1:
      if (d.length === 4) return d.join('.');
      break;
    case 28:
      if (d.length === 16) return ipv6Text(d);
      break;
    case 2:
    case 5:
    case 12:
    case 39:
      return nameToText(d);
    case 15:
      return `${(d[0] << 8) | d[1]} ${nameToText(d, 2)}`;
    case T_SOA: {
      const mname = nameToText(d);
      let p = 0;
      while (d[p] !== 0) p += d[p] + 1;
      const rname = nameToText(d, p + 1);
      const t = soaTimers(d);
      return `${mname} ${rname} ${t.serial} ${t.refresh} ${t.retry} ${t.expire} ${t.minimum}`;
    }
  }
  return d.length === 0 ? '\\# 0' : `\\# ${d.length} ${Buffer.from(d).toString('hex')}`;
}

/** Mnemonics only for the types our own parser knows (Knot knows them too); TYPEnnn otherwise (RFC 3597). */
const KNOWN_TYPES = new Set<number>(Object.values(TYPE));

function recordText(rr: WireRR): string {
  const type = KNOWN_TYPES.has(rr.type) ? typeToText(rr.type) : `TYPE${rr.type}`;
  return `${nameToText(rr.name)} ${rr.ttl} IN ${type} ${rdataText(rr)}`;
}
