// Records as one byte string, for handing an IXFR diff from the control plane to the data path: each record is
// its uncompressed owner name, TYPE (2), TTL (4), RDLENGTH (2) and RDATA. Class is always IN.

export interface PackableRecord {
  name: Uint8Array;
  type: number;
  ttl: number;
  rdata: Uint8Array;
}

export function packRecords(records: readonly PackableRecord[]): Uint8Array {
  let size = 0;
  for (const r of records) size += r.name.length + 8 + r.rdata.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let p = 0;
  for (const r of records) {
    out.set(r.name, p);
    p += r.name.length;
    view.setUint16(p, r.type);
    view.setUint32(p + 2, r.ttl >>> 0);
    view.setUint16(p + 6, r.rdata.length);
    out.set(r.rdata, p + 8);
    p += 8 + r.rdata.length;
  }
  return out;
}

/** Calls `each` with views into `packed` (owner name, type, TTL, RDATA); throws on a truncated or bad string. */
export function forEachPacked(packed: Uint8Array, each: (name: Uint8Array, type: number, ttl: number, rdata: Uint8Array) => void): void {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  let p = 0;
  while (p < packed.length) {
    const start = p;
    while (p < packed.length && packed[p] !== 0) {
      if (packed[p] > 63) throw new Error(`packed records: bad label length at ${p}`);
      p += packed[p] + 1;
    }
    if (p >= packed.length || p + 1 - start > 255) throw new Error(`packed records: bad owner name at ${start}`);
    p++;
    if (p + 8 > packed.length) throw new Error('packed records: truncated record');
    const type = view.getUint16(p);
    const ttl = view.getUint32(p + 2);
    const len = view.getUint16(p + 6);
    if (p + 8 + len > packed.length) throw new Error('packed records: truncated RDATA');
    each(packed.subarray(start, p), type, ttl, packed.subarray(p + 8, p + 8 + len));
    p += 8 + len;
  }
}
