// The compiler's per-record scratch: node, type, TTL, line, file and RDATA of every record, in file order.

import { GrowableBytes, GrowableInt32 } from './growable.js';
import type { ZoneRecord } from '../records/record.js';
import { T_RRSIG } from '../../wire/constants.js';

/** Flat arrays rather than an object per record: the 1.22M-record bench zone's scratch is ~45 MiB so. */
export class RecordScratch {
  readonly node: GrowableInt32;
  readonly type: GrowableInt32;
  readonly ttl: GrowableInt32;
  readonly line: GrowableInt32;
  /** Offset in `rdata` of each record's RDLENGTH (2 octets), then its RDATA. */
  readonly off: GrowableInt32;
  readonly rdata: GrowableBytes;
  readonly files: string[] = [];
  /** Which file each record came from, as runs [first record, file index, ...]: files change only at $INCLUDE. */
  private readonly fileRuns: number[] = [];
  /** RRSIG records seen: only a signed zone needs the per-name positions its chain checks report. */
  signatures = 0;

  /** `records`, `bytes`: expected counts; storage grows past them when needed. */
  constructor(records: number, bytes: number) {
    this.node = new GrowableInt32(records);
    this.type = new GrowableInt32(records);
    this.ttl = new GrowableInt32(records);
    this.line = new GrowableInt32(records);
    this.off = new GrowableInt32(records);
    this.rdata = new GrowableBytes(Math.max(1 << 16, bytes));
  }

  /** Records added; stays right after the arrays are released. */
  count = 0;

  add(node: number, rec: ZoneRecord): void {
    const runs = this.fileRuns;
    if (runs.length === 0 || this.files[runs[runs.length - 1]] !== rec.file) {
      let fileIndex = this.files.indexOf(rec.file);
      if (fileIndex < 0) fileIndex = this.files.push(rec.file) - 1;
      runs.push(this.node.length, fileIndex);
    }
    if (rec.type === T_RRSIG) this.signatures++;
    this.count++;
    this.node.push(node);
    this.type.push(rec.type);
    this.ttl.push(rec.ttl);
    this.line.push(rec.line);
    this.off.push(this.rdata.length);
    this.rdata.pushU16(rec.rdata.length);
    this.rdata.append(rec.rdata);
  }

  /** Index into `files` of the file record r came from. */
  fileOf(r: number): number {
    const runs = this.fileRuns;
    let lo = 0;
    let hi = runs.length / 2 - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (runs[mid * 2] <= r) lo = mid;
      else hi = mid - 1;
    }
    return runs[lo * 2 + 1];
  }

  fileName(r: number): string {
    return this.files[this.fileOf(r)];
  }

  /** RDLENGTH + 2: the record's length in the zone's `rdata`. */
  wireLength(r: number): number {
    const off = this.off.data[r];
    return 2 + ((this.rdata.data[off] << 8) | this.rdata.data[off + 1]);
  }

  /** The type an RRSIG record covers (0 for other types). */
  covered(r: number): number {
    if (this.type.data[r] !== T_RRSIG) return 0;
    const off = this.off.data[r] + 2;
    return (this.rdata.data[off] << 8) | this.rdata.data[off + 1];
  }

  /** An RRSIG record's signature expiration (RFC 4034 section 3.1.5). */
  expiry(r: number): number {
    const off = this.off.data[r] + 2 + 8;
    const d = this.rdata.data;
    return ((d[off] << 24) | (d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3]) >>> 0;
  }

  /** RFC 2181 section 5: whether record r's RDATA is already among the records in out[from..to). */
  isDuplicate(r: number, out: Uint8Array, from: number, to: number): boolean {
    const src = this.rdata.data;
    const off = this.off.data[r];
    const len = this.wireLength(r);
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

  /** Frees everything but `files`, which problems found later still name. */
  release(): void {
    for (const g of [this.node, this.type, this.ttl, this.line, this.off, this.rdata]) g.release();
  }
}
