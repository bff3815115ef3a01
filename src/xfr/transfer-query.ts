// The queries a secondary sends: SOA, AXFR, and IXFR with the serial it holds (RFC 1995 section 3).

import { nameFromText } from '../zone/text/name-text.js';

const T_SOA = 6;

/** A query with RD clear: one question, and for IXFR the client's SOA in the authority section. */
export function buildQuery(id: number, zone: string, qtype: number, ixfrSerial: number | null = null): Uint8Array {
  const name = nameFromText(zone, null);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(1, 4);
  const question = Buffer.alloc(4);
  question.writeUInt16BE(qtype, 0);
  question.writeUInt16BE(1, 2);
  if (ixfrSerial === null) return Buffer.concat([header, name, question]);
  header.writeUInt16BE(1, 8);
  // Only the serial of this SOA matters to the primary; the names are the root to keep it small.
  const soa = Buffer.alloc(10 + 22);
  soa.writeUInt16BE(T_SOA, 0);
  soa.writeUInt16BE(1, 2);
  soa.writeUInt16BE(22, 8);
  soa.writeUInt32BE(ixfrSerial >>> 0, 12);
  return Buffer.concat([header, name, question, Buffer.from([0xc0, 12]), soa]);
}
