// Presentation rdata -> wire rdata: per-type encoder table plus RFC 3597 generic "\# len hex" syntax.

import { encodeA, encodeAaaa, encodeCaa, encodeHinfo, encodeMx, encodeNameOnly, encodeNaptr, encodeSoa, encodeSrv, encodeTxt } from './rdata/basic.js';
import { encodeDnskey, encodeDs, encodeNsec, encodeNsec3, encodeNsec3param, encodeRrsig, encodeSshfp, encodeTlsa } from './rdata/dnssec.js';
import { decodeHex } from './rdata/encoding.js';
import type { RdataReader } from './rdata/reader.js';
import { encodeSvcb } from './rdata/svcb.js';
import { TYPE } from './rdata/types.js';

export { RdataReader, ZoneSyntaxError } from './rdata/reader.js';
export { typeFromText, typeToText, TYPE } from './rdata/types.js';

type Encoder = (r: RdataReader) => void;

const ENCODERS = new Map<number, Encoder>([
  [TYPE.A, encodeA],
  [TYPE.NS, encodeNameOnly],
  [TYPE.CNAME, encodeNameOnly],
  [TYPE.SOA, encodeSoa],
  [TYPE.PTR, encodeNameOnly],
  [TYPE.HINFO, encodeHinfo],
  [TYPE.MX, encodeMx],
  [TYPE.TXT, encodeTxt],
  [TYPE.AAAA, encodeAaaa],
  [TYPE.SRV, encodeSrv],
  [TYPE.NAPTR, encodeNaptr],
  [TYPE.DNAME, encodeNameOnly],
  [TYPE.DS, encodeDs],
  [TYPE.SSHFP, encodeSshfp],
  [TYPE.RRSIG, encodeRrsig],
  [TYPE.NSEC, encodeNsec],
  [TYPE.DNSKEY, encodeDnskey],
  [TYPE.NSEC3, encodeNsec3],
  [TYPE.NSEC3PARAM, encodeNsec3param],
  [TYPE.TLSA, encodeTlsa],
  [TYPE.SVCB, encodeSvcb],
  [TYPE.HTTPS, encodeSvcb],
  [TYPE.CAA, encodeCaa],
]);

/** RFC 3597 section 5: "\# <length> <hex...>", accepted for every type. */
function encodeGeneric(r: RdataReader): void {
  r.i++; // the \# token
  const lenTok = r.i;
  const len = r.num('generic rdata length', 65535);
  const hex = r.restText();
  const data = decodeHex(hex);
  if (data === null) r.fail(`${r.typeName} record: bad hex in generic rdata`, lenTok + 1);
  if (data.length !== len) r.fail(`${r.typeName} record: generic rdata length ${len} does not match ${data.length} octets of data`, lenTok);
  r.bytes(data);
}

/**
 * Encodes the rdata starting at the reader's current token into r.out[0, r.off).
 * Throws ZoneSyntaxError on bad data.
 */
export function encodeRdata(type: number, r: RdataReader): void {
  if (r.more() && r.is(r.i, '\\#')) encodeGeneric(r);
  else {
    const enc = ENCODERS.get(type);
    if (enc === undefined) {
      r.fail(`record type ${r.typeName} has no text syntax here; use the RFC 3597 form "\\# length hex"`, r.i - 1);
    }
    enc(r);
  }
  r.done();
}
