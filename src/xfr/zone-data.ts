// A transferred zone as a set of records: built from an AXFR, changed by IXFR diffs, written out as a zone file
// that `anycastd check`, the zone compiler and Knot all read (RFC 3597 generic rdata for the less common types).

import { nameToText } from '../zone/text/name-text.js';
import { TYPE, typeToText } from '../zone/text/rdata/types.js';
import { type WireRR, soaTimers } from './message.js';
import { type Diff, T_SOA, TransferError } from './stream.js';

export interface SoaFields {
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

/**
 * One record as a map key: lower-case owner, TYPE (two octets) and RDATA, as a one-byte string. A key costs a few
 * dozen bytes where a record object with its two Uint8Arrays cost ~900: the 1.22M-record bench zone went from
 * ~1.1 GB of heap in the control plane (and seconds-long major GCs, which held up NOTIFYs) to ~150 MB.
 */
function keyOf(rr: { name: Uint8Array; type: number; rdata: Uint8Array }): string {
  const key = Buffer.allocUnsafe(rr.name.length + 2 + rr.rdata.length);
  for (let i = 0; i < rr.name.length; i++) {
    const c = rr.name[i];
    key[i] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
  }
  key.writeUInt16BE(rr.type, rr.name.length);
  key.set(rr.rdata, rr.name.length + 2);
  return key.toString('latin1');
}

/** The record a key and its value stand for (the owner in the case it was sent, when that was not lower case). */
function recordOf(key: string, value: Value): WireRR {
  const bytes = Buffer.from(key, 'latin1');
  let n = 0;
  while (bytes[n] !== 0) n += bytes[n] + 1;
  n++;
  const name = typeof value === 'number' ? bytes.subarray(0, n) : Buffer.from(value[1], 'latin1');
  const ttl = typeof value === 'number' ? value : value[0];
  return { name, type: bytes.readUInt16BE(n), class: 1, ttl, rdata: bytes.subarray(n + 2), start: 0, end: 0 };
}

/** The TTL, or the TTL and the owner as sent when it has upper-case letters (kept for the zone file). */
type Value = number | [number, string];

function valueOf(rr: WireRR): Value {
  return rr.name.some((c) => c >= 0x41 && c <= 0x5a) ? [rr.ttl, Buffer.from(rr.name).toString('latin1')] : rr.ttl;
}

/** A zone file write given up because the records changed while it was being built. */
export class SupersededWrite extends Error {}

export class ZoneData {
  private readonly records = new Map<string, Value>();
  private soaKey: string | null = null;

  constructor(readonly origin: string, records: Iterable<WireRR>) {
    for (const rr of records) this.put(rr);
    if (this.soaKey === null) throw new TransferError(`zone ${origin} has no SOA`);
  }

  *all(): IterableIterator<WireRR> {
    for (const [key, value] of this.records) yield recordOf(key, value);
  }

  get size(): number {
    return this.records.size;
  }

  get soa(): SoaFields {
    return soaTimers(recordOf(this.soaKey!, 0).rdata);
  }

  private put(rr: WireRR): void {
    const key = keyOf(rr);
    if (rr.type === T_SOA) {
      if (this.soaKey !== null) this.records.delete(this.soaKey);
      this.soaKey = key;
    }
    this.records.set(key, valueOf(rr));
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
          const soaKey = this.soaKey;
          const soaValue = soaKey === null ? undefined : this.records.get(soaKey);
          this.put(rr);
          undo.push(() => {
            this.records.delete(key);
            if (old !== undefined) this.records.set(key, old);
            if (rr.type === T_SOA && soaKey !== null && soaValue !== undefined) {
              this.soaKey = soaKey;
              this.records.set(soaKey, soaValue);
            }
          });
        }
      }
    } catch (err) {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]();
      throw err;
    }
  }

  /**
   * The zone file text ($ORIGIN, the SOA first, then every record in a stable order), built in slices with a turn
   * of the event loop between them: for the 1.22M-record zone the whole text takes seconds, which the control
   * plane's health checks must not wait out.
   */
  async toTextInSlices(header: string, superseded: () => boolean = () => false, slice = 20_000): Promise<string> {
    // Joined slice by slice: one join of 1.22M lines held the loop for most of a second.
    const slices = [this.head(header)];
    let lines: string[] = [];
    for (const [key, value] of this.records) {
      if (key !== this.soaKey) lines.push(recordText(recordOf(key, value)));
      if (lines.length === slice) {
        slices.push(lines.join('\n'));
        lines = [];
        await new Promise((r) => setImmediate(r));
        // Changed meanwhile (the next IXFR): this text would mix two versions; the newer write takes over.
        if (superseded()) throw new SupersededWrite();
      }
    }
    if (lines.length) slices.push(lines.join('\n'));
    return slices.join('\n') + '\n';
  }

  /** Insertion order, not sorted: sorting 1.22M lines cost seconds per IXFR and no reader needs it. */
  private head(header: string): string {
    return [`; ${header}`, `$ORIGIN ${this.origin}`, recordText(recordOf(this.soaKey!, this.records.get(this.soaKey!)!))].join('\n');
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
